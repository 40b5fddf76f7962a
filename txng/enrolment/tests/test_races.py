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


def test_the_reviewer_who_lost_the_race_gets_a_message_not_an_error_page(
    dept_officer, dost_admin, department, commune, monkeypatch
):
    """Through the review page: both officials opened the dossier; each request waits at a
    barrier after the view loaded it, then decides."""
    import threading

    from django.contrib.messages import get_messages
    from django.test import Client
    from django.urls import reverse

    dossier = make_dossier(department, commune)
    barrier = threading.Barrier(2)
    for name in ("approve_dossier", "reject_dossier"):
        original = getattr(actions, name)

        def waiting(*args, _original=original, **kwargs):
            barrier.wait(30)
            return _original(*args, **kwargs)

        monkeypatch.setattr(actions, name, waiting)
    results = {}

    def press(user, action):
        from django.db import connection

        client = Client()
        client.force_login(user)
        try:
            response = client.post(
                reverse("enrolment:review", args=[dossier.pk, action]), {"reason": "Thiếu giấy"}
            )
            results[action] = (
                response.status_code,
                [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)],
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=press, args=(dept_officer, "approve")),
        threading.Thread(target=press, args=(dost_admin, "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert {code for code, _messages in results.values()} == {302}
    levels = sorted(messages[0][0] for _code, messages in results.values())
    assert levels == ["error", "success"], results
    refused = next(m for _c, ms in results.values() for m in ms if m[0] == "error")
    assert "không thể thực hiện thao tác này" in refused[1]
