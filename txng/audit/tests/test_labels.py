"""Every action the code writes to the audit log has a readable name on the log page."""

import re
from pathlib import Path

from txng.audit.labels import label

ROOT = Path(__file__).resolve().parents[2]
# record(actor, "app.verb", ...) and action="app.verb" (helpers that call record themselves).
WRITTEN = re.compile(r'record\(\s*[\w.]+,\s*"([a-z]+\.[a-z_]+)"|action="([a-z]+\.[a-z_]+)"')


def _written_actions():
    found = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for match in WRITTEN.finditer(path.read_text()):
            found.add(match.group(1) or match.group(2))
    return found


def test_every_written_action_has_a_label():
    actions = _written_actions()
    assert {"tracing.recall_lift", "stamps.download", "accounts.lock"} <= actions
    assert sorted(a for a in actions if label(a) == a) == []
