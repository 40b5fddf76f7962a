"""What docs/deploy.md promises an operator is what settings.py reads."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.test import RequestFactory

from txng.common.http import client_ip

ROOT = Path(__file__).resolve().parents[3]


def _documented_variables():
    text = (ROOT / "docs" / "deploy.md").read_text()
    table = text.split("## Environment", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in table.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            first_cell = line.split("|")[1]
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def _variables_settings_reads():
    source = (ROOT / "txng" / "settings.py").read_text()
    pattern = r"""(?:env|env_bool|os\.environ\.get|os\.getenv)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
    return set(re.findall(pattern, source))


def test_every_variable_in_deploy_md_is_read_by_settings():
    documented = _documented_variables()
    assert "TRUST_X_REAL_IP" in documented and "OFFICIALS_REQUIRE_2FA" in documented
    missing = documented - _variables_settings_reads()
    assert not missing, f"documented in docs/deploy.md but never read: {sorted(missing)}"


def test_every_variable_settings_reads_is_documented_in_deploy_md():
    undocumented = _variables_settings_reads() - _documented_variables()
    assert not undocumented, f"read by settings.py, not in docs/deploy.md: {sorted(undocumented)}"


def test_the_units_in_deploy_run_what_deploy_md_says():
    text = (ROOT / "docs" / "deploy.md").read_text()
    units = [p.name for p in (ROOT / "deploy").iterdir() if p.suffix in (".service", ".timer")]
    assert units and all(unit in text for unit in units)


def test_trust_x_real_ip_is_read_from_the_environment():
    env = {**os.environ, "SECRET_KEY": "x", "TRUST_X_REAL_IP": "1"}
    code = "import txng.settings as s; print(s.TRUST_X_REAL_IP)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "True"


def test_with_trust_x_real_ip_client_ip_is_the_visitors_address(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.5")
    settings.TRUST_X_REAL_IP = True
    assert client_ip(request) == "203.0.113.5"
    settings.TRUST_X_REAL_IP = False
    assert client_ip(request) == "127.0.0.1"
