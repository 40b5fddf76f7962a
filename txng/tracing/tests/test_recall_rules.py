"""Who may end a recall, and what a business sees of one on its page."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from txng.tracing import actions
from txng.tracing.models import Lot, LotStatus

from .conftest import ship_and_receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def recall(lot, biz_owner, other_biz, dept_officer):
    """The department recalls `lot` after 30 kg went to other_biz."""
    ship_and_receive(lot, biz_owner, other_biz, 30)
    return actions.recall_lots([lot], actor=dept_officer, reason="Nghi nhiễm aflatoxin")


def _holders_table(page):
    start = page.index("Các lô và nơi đang giữ hàng")
    return page[start : page.index("</table>", start)]


def test_a_commune_cannot_complete_or_lift_a_departments_recall(
    client, recall, lot, commune_officer
):
    """The commune manages the business too, but the recall is the department's."""
    for end in (
        lambda: actions.lift_recall(recall, actor=commune_officer, reason="Đã ổn"),
        lambda: actions.complete_recall(recall, actor=commune_officer, result="Xong"),
    ):
        with pytest.raises(PermissionDenied):
            end()
    client.force_login(commune_officer)
    url = reverse("tracing:recall", args=[recall.pk])
    assert "Chấm dứt thu hồi" not in client.get(url).content.decode()
    assert client.post(url, {"lift": "1", "lift-reason": "Đã ổn"}).status_code == 403
    assert Lot.objects.get(pk=lot.pk).status == LotStatus.RECALLED


def test_dost_and_the_recalling_department_may_end_it(recall, dost_admin, dept_officer):
    assert actions.can_close_recall(dost_admin, recall)
    assert actions.can_close_recall(dept_officer, recall)
    actions.complete_recall(recall, actor=dost_admin, result="Thu về 70 kg")
    actions.lift_recall(recall, actor=dept_officer, reason="Kiểm nghiệm lại: đạt")


def test_the_recall_page_shows_a_business_only_its_own_holdings(
    client, recall, business, other_business, other_biz
):
    """As the export does: another holder's stock and contacts are not for a business."""
    client.force_login(other_biz)
    page = client.get(reverse("tracing:recall", args=[recall.pk])).content.decode()
    table = _holders_table(page)
    assert other_business.name in table and "30" in table
    assert business.name not in table and "70" not in table


def test_an_authority_sees_every_holder_on_the_recall_page(
    client, recall, business, other_business, commune_officer
):
    client.force_login(commune_officer)
    table = _holders_table(client.get(reverse("tracing:recall", args=[recall.pk])).content.decode())
    assert business.name in table and other_business.name in table
