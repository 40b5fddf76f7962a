"""How a recall ends: completed (goods brought back; the warning stays) or lifted (it should
not stand; the lots go back to what they were and the warning ends)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from txng.accounts.models import Notification
from txng.audit.models import AuditEntry
from txng.tracing import actions
from txng.tracing.models import Event, Lot, LotStatus

from .conftest import ship_and_receive
from .test_trace import _document, _validator

pytestmark = pytest.mark.django_db

WARNING = "đang bị thu hồi"


def _status(lot):
    return Lot.objects.values_list("status", flat=True).get(pk=lot.pk)


@pytest.fixture
def chain(lot, biz_owner, other_biz):
    """`lot` partly shipped to other_biz, which holds it as its own lot."""
    held = ship_and_receive(lot, biz_owner, other_biz, 30)
    return lot, held


def test_lifting_restores_every_lot_and_ends_the_public_warning(
    client, chain, dept_officer, other_biz
):
    lot, held = chain
    before = (_status(lot), _status(held))
    recall = actions.recall_lots([lot], actor=dept_officer, reason="Nghi nhiễm aflatoxin")
    assert (_status(lot), _status(held)) == (LotStatus.RECALLED, LotStatus.RECALLED)
    assert WARNING in client.get(held.get_absolute_url()).content.decode()

    actions.lift_recall(recall, actor=dept_officer, reason="Kiểm nghiệm lại: đạt")

    assert (_status(lot), _status(held)) == before
    assert WARNING not in client.get(held.get_absolute_url()).content.decode()
    lifted = Event.objects.filter(title="Đã chấm dứt thu hồi")
    assert lifted.count() == 2  # one per business holding a lot
    assert {e.disposition for e in lifted} == {"in_progress"}
    validator = _validator()
    for event in lifted:
        assert not list(validator.iter_errors(_document(event.document)))
    assert Notification.objects.filter(
        organisation=other_biz.organisation, message__contains="Chấm dứt thu hồi"
    ).exists()
    assert AuditEntry.objects.filter(action="tracing.recall_lift").count() == 1
    # The recall and its events stay in the history.
    assert Event.objects.filter(disposition="recalled").count() == 2


def test_a_lot_held_by_another_open_recall_stays_recalled(chain, dept_officer, biz_owner):
    lot, _held = chain
    before = _status(lot)
    first = actions.recall_lots([lot], actor=dept_officer, reason="Nghi nhiễm aflatoxin")
    second = actions.recall_lots([lot], actor=biz_owner, reason="Bao bì rách")
    actions.lift_recall(first, actor=dept_officer, reason="Kiểm nghiệm lại: đạt")
    assert _status(lot) == LotStatus.RECALLED
    actions.lift_recall(second, actor=biz_owner, reason="Đã thay bao bì")
    assert _status(lot) == before  # not "recalled", which the second recall found it in


def test_completing_reports_the_result_and_keeps_the_warning(client, chain, dept_officer):
    lot, held = chain
    recall = actions.recall_lots([lot], actor=dept_officer, reason="Nghi nhiễm aflatoxin")
    with pytest.raises(ValidationError) as err:
        actions.complete_recall(recall, actor=dept_officer, result="  ")
    assert "result" in err.value.message_dict
    actions.complete_recall(recall, actor=dept_officer, result="Thu về 30 kg, đã tiêu hủy.")
    recall.refresh_from_db()
    assert recall.completed_at and not recall.closed_at
    assert _status(held) == LotStatus.RECALLED
    assert WARNING in client.get(held.get_absolute_url()).content.decode()
    with pytest.raises(ValidationError):
        actions.complete_recall(recall, actor=dept_officer, result="Lần nữa")


def test_a_lifted_recall_cannot_be_lifted_or_completed_again(chain, dept_officer):
    recall = actions.recall_lots([chain[0]], actor=dept_officer, reason="Nghi nhiễm aflatoxin")
    actions.lift_recall(recall, actor=dept_officer, reason="Kiểm nghiệm lại: đạt")
    for attempt in (
        lambda: actions.lift_recall(recall, actor=dept_officer, reason="Lần nữa"),
        lambda: actions.complete_recall(recall, actor=dept_officer, result="Lần nữa"),
    ):
        with pytest.raises(ValidationError, match="đã chấm dứt"):
            attempt()


def test_the_business_cannot_lift_an_authoritys_recall(client, chain, dept_officer, biz_owner):
    lot, _held = chain
    recall = actions.recall_lots([lot], actor=dept_officer, reason="Nghi nhiễm aflatoxin")
    client.force_login(biz_owner)
    url = reverse("tracing:recall", args=[recall.pk])
    page = client.get(url).content.decode()
    assert "Chấm dứt thu hồi" not in page  # the page offers no such form
    response = client.post(url, {"lift": "1", "lift-reason": "Chúng tôi thấy ổn"})
    assert response.status_code == 403
    assert _status(lot) == LotStatus.RECALLED


def test_recall_page_lifts_and_reports_with_field_errors(client, chain, dept_officer):
    lot, _held = chain
    recall = actions.recall_lots([lot], actor=dept_officer, reason="Nghi nhiễm aflatoxin")
    client.force_login(dept_officer)
    url = reverse("tracing:recall", args=[recall.pk])
    page = client.post(url, {"lift": "1", "lift-reason": ""}).content.decode()
    assert "Lý do: Trường này là bắt buộc." in page
    assert _status(lot) == LotStatus.RECALLED
    response = client.post(url, {"complete": "1", "complete-result": "Thu về 70 kg."})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Đã hoàn tất" in page and "Thu về 70 kg." in page
    client.post(url, {"lift": "1", "lift-reason": "Kiểm nghiệm lại: đạt"})
    page = client.get(url).content.decode()
    assert "Đã chấm dứt" in page and "Kiểm nghiệm lại: đạt" in page
    assert _status(lot) != LotStatus.RECALLED
