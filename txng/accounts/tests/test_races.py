"""Two officials changing one account's status at the same moment."""

import pytest
from django.db import connection

from txng.accounts import actions
from txng.accounts.models import Organisation, OrgStatus
from txng.audit.models import AuditEntry
from txng.common.tests.races import assert_one_won, race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL"),
]


def test_two_locks_at_once_record_one_transition(business, dost_admin, dept_officer):
    outcomes = race(
        lambda: Organisation.objects.get(pk=business.pk),
        lambda o: actions.lock_business(o, actor=dost_admin, reason="Đăng tin sai"),
        lambda o: actions.lock_business(o, actor=dept_officer, reason="Giả mạo"),
    )
    assert_one_won(outcomes)
    business.refresh_from_db()
    assert business.status == OrgStatus.LOCKED
    assert AuditEntry.objects.filter(action="accounts.lock").count() == 1


def test_unlock_and_revoke_at_once_never_reopen_a_revoked_account(
    business, dost_admin, dept_officer
):
    actions.lock_business(business, actor=dost_admin, reason="Kiểm tra")
    outcomes = race(
        lambda: Organisation.objects.get(pk=business.pk),
        lambda o: actions.revoke_business(o, actor=dost_admin, reason="Vi phạm"),
        lambda o: actions.unlock_business(o, actor=dept_officer, reason="Đã khắc phục"),
    )
    business.refresh_from_db()
    history = list(
        AuditEntry.objects.filter(action__in=["accounts.revoke", "accounts.unlock"])
        .order_by("pk")
        .values_list("changes", flat=True)
    )
    # Each recorded move starts where the previous one ended, and the last one is the status.
    assert history[0]["status"][0] == OrgStatus.LOCKED
    for before, after in zip(history, history[1:], strict=False):
        assert after["status"][0] == before["status"][1]
    assert history[-1]["status"][1] == business.status
    assert outcomes[0] == "won"
