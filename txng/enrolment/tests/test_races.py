"""Two reviewers deciding one dossier at the same moment (real concurrent transactions)."""

import pytest
from django.db import connection

from txng.audit.models import AuditEntry
from txng.common.tests.races import assert_one_won, race
from txng.enrolment import actions
from txng.enrolment.models import Dossier, DossierEvent, DossierState
from txng.enrolment.tests.helpers import make_dossier

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL"),
]


def test_approve_and_reject_at_once_leave_one_decision(
    dept_officer, dost_admin, department, commune
):
    dossier = make_dossier(department, commune)
    outcomes = race(
        lambda: Dossier.objects.get(pk=dossier.pk),
        lambda d: actions.approve_dossier(d, actor=dept_officer, note="Đủ"),
        lambda d: actions.reject_dossier(d, actor=dost_admin, reason="Thiếu giấy phép"),
    )
    assert_one_won(outcomes)
    dossier.refresh_from_db()
    decided = DossierEvent.objects.filter(dossier=dossier).exclude(to_state=DossierState.SUBMITTED)
    assert decided.count() == 1 and decided.get().to_state == dossier.state
    assert (
        AuditEntry.objects.filter(action__in=["enrolment.approve", "enrolment.reject"]).count() == 1
    )
    if dossier.state == DossierState.REJECTED:  # no business was made for a rejected dossier
        assert dossier.business is None


def test_two_approvals_at_once_make_one_business(dept_officer, dost_admin, department, commune):
    dossier = make_dossier(department, commune)
    outcomes = race(
        lambda: Dossier.objects.get(pk=dossier.pk),
        lambda d: actions.approve_dossier(d, actor=dept_officer),
        lambda d: actions.approve_dossier(d, actor=dost_admin),
    )
    assert_one_won(outcomes)
    assert DossierEvent.objects.filter(to_state=DossierState.APPROVED).count() == 1
