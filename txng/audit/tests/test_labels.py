"""Every action the code writes to the audit log has a readable name on the log page."""

import re
from pathlib import Path

from django.apps import apps

from txng.audit.labels import GROUPS, label

ROOT = Path(__file__).resolve().parents[2]
# Any "app.verb" string in the code of an app that logs: record(actor, "tracing.ship", ...),
# action="accounts.lock", "a" if x else "b". Model labels ("tracing.lot", an object_type) and
# file names are not actions.
PREFIXES = "|".join(re.escape(prefix) for prefix in GROUPS)
LITERAL = re.compile(rf'"((?:{PREFIXES})[a-z_0-9]+)"')
NOT_ACTIONS = {"stamps.pdf", "stamps.csv", "stamps.zip"}  # print files


def _written_actions():
    models = {m._meta.label_lower for m in apps.get_models()}
    found = set()
    for path in ROOT.rglob("*.py"):
        if {"tests", "migrations"} & set(path.parts):
            continue
        found.update(LITERAL.findall(path.read_text()))
    return found - models - NOT_ACTIONS


def test_every_written_action_has_a_label():
    actions = _written_actions()
    assert {"tracing.recall_lift", "stamps.download", "accounts.lock"} <= actions
    assert {"accounts.enable_2fa", "catalog.edit_facility"} <= actions  # digits, ternaries
    assert sorted(a for a in actions if label(a) == a) == []
