import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from txng.accounts import actions
from txng.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_action_writes_one_row_with_actor_org_changes_reason_and_ip(client, dost_admin, business):
    client.force_login(dost_admin)
    client.post(
        reverse("accounts:change_status", args=[business.pk, "lock"]),
        {"reason": "Sai thông tin"},
        REMOTE_ADDR="203.0.113.7",
    )
    entry = AuditEntry.objects.get()
    assert entry.actor == dost_admin
    assert entry.organisation == dost_admin.organisation
    assert entry.action == "accounts.lock"
    assert entry.object_type == "accounts.organisation" and entry.object_id == str(business.pk)
    assert entry.changes == {"status": ["active", "locked"]}
    assert entry.reason == "Sai thông tin"
    assert entry.ip == "203.0.113.7"


def test_app_cannot_update_or_delete_audit_rows(dost_admin, business):
    actions.lock_business(business, actor=dost_admin, reason="x")
    entry = AuditEntry.objects.get()
    entry.reason = "sửa"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(reason="x")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger exists on PostgreSQL")
def test_database_refuses_raw_updates(dost_admin, business):
    actions.lock_business(business, actor=dost_admin, reason="x")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_auditentry SET reason = 'giả mạo'")
    assert AuditEntry.objects.get().reason == "x"


@pytest.mark.django_db(transaction=True)  # committed rows: TRUNCATE waits on no pending checks
@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger exists on PostgreSQL")
def test_database_refuses_truncate_of_the_audit_table(dost_admin, business):
    actions.lock_business(business, actor=dost_admin, reason="x")
    refused = pytest.raises(DatabaseError, match="append-only: TRUNCATE refused")
    with refused, transaction.atomic(), connection.cursor() as cur:
        # As any session but the test suite's own (see conftest.py): not allowed.
        cur.execute("SET LOCAL txng.allow_audit_truncate = 'off'")
        cur.execute("TRUNCATE audit_auditentry")
    assert AuditEntry.objects.get().reason == "x"


def test_dost_browses_and_filters_the_log(client, dost_admin, business, other_business):
    actions.lock_business(business, actor=dost_admin, reason="Khóa vì lý do A")
    actions.revoke_business(other_business, actor=dost_admin, reason="Thu hồi B")
    client.force_login(dost_admin)
    html = client.get(reverse("audit:log") + "?action=accounts.revoke").content.decode()
    assert "Thu hồi B" in html and "Khóa vì lý do A" not in html
    # The filter offers actions by name, and a whole app's actions at once.
    assert '<option value="accounts.revoke" selected>Thu hồi tài khoản</option>' in html
    html = client.get(reverse("audit:log") + "?action=accounts.").content.decode()
    assert "Thu hồi B" in html and "Khóa vì lý do A" in html
    # An unknown action (an old bookmark) is reported and left out; the other filters hold.
    filters = {"action": "revoke", "object": other_business.name}
    html = client.get(reverse("audit:log"), filters).content.decode()
    assert "Thu hồi B" in html and "Khóa vì lý do A" not in html and 'class="error"' in html


def test_failed_action_leaves_no_audit_row(dept_officer, other_business):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.lock_business(other_business, actor=dept_officer, reason="x")
    assert AuditEntry.objects.count() == 0
