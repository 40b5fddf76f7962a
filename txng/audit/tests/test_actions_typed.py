"""Audit actions are typed: each app's AuditAction (TextChoices) carries its code and its name;
record() takes nothing else, and the log shows officials names, never codes."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from txng.accounts import actions
from txng.accounts.audit_actions import AuditAction as AccountsAction
from txng.audit import labels
from txng.audit.actions import record
from txng.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
TXNG = Path(__file__).resolve().parents[2]


def test_record_refuses_an_action_given_as_a_string(dost_admin, business):
    with pytest.raises(TypeError):
        record(dost_admin, "accounts.lock", business)
    assert not AuditEntry.objects.exists()


def test_every_registered_action_is_named_and_prefixed_by_its_app():
    codes = [a.value for actions_ in labels._GROUPS for a in actions_]
    assert len(codes) == len(set(codes)) and len(codes) > 60
    for actions_ in labels._GROUPS:
        module = actions_.__module__  # txng.<app>.audit_actions
        app = module.split(".")[1]
        for action in actions_:
            assert action.value.startswith(f"{app}.") and str(action.label) != action.value


def test_no_code_passes_record_a_bare_string():
    """Also for paths no test runs: the first argument after the actor is never a literal."""
    found = []
    for path in TXNG.rglob("*.py"):
        if {"tests", "migrations"} & set(path.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "record":
                given = node.args[1:2] + [k.value for k in node.keywords if k.arg == "action"]
                if any(isinstance(arg, ast.Constant | ast.JoinedStr) for arg in given):
                    found.append(f"{path.relative_to(TXNG)}:{node.lineno}")
    assert found == []


def test_log_shows_action_and_object_kind_and_field_by_name(client, dost_admin, business):
    actions.lock_business(business, actor=dost_admin, reason="Sai thông tin")
    client.force_login(dost_admin)
    html = client.get(reverse("audit:log")).content.decode()
    assert "Khóa tài khoản" in html and "accounts.lock" not in html.split("<tbody>")[1]
    assert "accounts.organisation" not in html and "Tổ chức" in html
    # The changed field by its label and its values by their names.
    assert "Trạng thái: <s>Đang hoạt động</s> → Bị khóa" in html


def test_organisation_history_shows_action_names(client, dost_admin, business):
    actions.lock_business(business, actor=dost_admin, reason="Sai thông tin")
    client.force_login(dost_admin)
    html = client.get(reverse("accounts:organisation", args=[business.pk])).content.decode()
    assert "Khóa tài khoản" in html and "accounts.lock" not in html


def test_background_job_is_credited_to_the_system_and_a_visitor_to_a_citizen(
    client, dost_admin, business
):
    record(None, AccountsAction.LOCK, business)  # as a task or a command does: no request
    assert AuditEntry.objects.get().actor_name == "Hệ thống"
    client.force_login(dost_admin)
    html = client.get(reverse("audit:log")).content.decode()
    assert "Hệ thống" in html and "Người dân (không đăng nhập)" not in html


def test_changed_dates_read_day_month_year():
    entry = AuditEntry(
        object_type="accounts.organisation",
        changes={"updated_at": [None, "2026-03-05T02:00:00+00:00"], "when": ["2026-03-05", None]},
    )
    rows = dict((name, (a, b)) for name, a, b in entry.change_rows())
    assert rows["When"] == ("05/03/2026", "∅")
    assert rows["Updated at"][1] == "05/03/2026 09:00"
