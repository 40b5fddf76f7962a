"""Recalling several lots of one product at once, from the recalls page."""

import pytest
from django.urls import reverse

from txng.tracing import actions
from txng.tracing.models import Lot, LotStatus, Recall

pytestmark = pytest.mark.django_db

URL = reverse("tracing:recall_many")


@pytest.fixture
def lots(biz_owner, product):
    return [
        actions.create_lot(actor=biz_owner, product=product, code=f"HD-0{i}", quantity=10)
        for i in (1, 2, 3)
    ]


def _statuses():
    return dict(Lot.objects.values_list("code", "status"))


def test_an_agency_recalls_the_lots_it_ticks_and_no_other(client, lots, product, dept_officer):
    client.force_login(dept_officer)
    page = client.get(URL, {"product": product.pk}).content.decode()
    assert all(lot.code in page for lot in lots)
    response = client.post(
        f"{URL}?product={product.pk}",
        {"lots": [lots[0].pk, lots[2].pk], "reason": "Mẫu lưu nhiễm nấm mốc"},
    )
    recall = Recall.objects.get()
    assert response["Location"] == reverse("tracing:recall", args=[recall.pk])
    assert _statuses()["HD-01"] == _statuses()["HD-03"] == LotStatus.RECALLED
    assert _statuses()["HD-02"] != LotStatus.RECALLED
    assert set(recall.lot_rows.filter(named=True).values_list("lot__code", flat=True)) == {
        "HD-01",
        "HD-03",
    }


def test_products_of_businesses_the_agency_does_not_manage_are_not_offered(
    client, lots, product, other_biz, other_product, dept_officer
):
    theirs = actions.create_lot(actor=other_biz, product=other_product, code="BN-1", quantity=5)
    client.force_login(dept_officer)
    page = client.get(URL).content.decode()
    assert product.name in page and other_product.name not in page
    assert client.get(URL, {"product": other_product.pk}).status_code == 404
    # A lot of another business slipped into the post is refused, and nothing is recalled.
    page = client.post(
        f"{URL}?product={product.pk}", {"lots": [lots[0].pk, theirs.pk], "reason": "X"}
    ).content.decode()
    assert "Các lô thu hồi:" in page
    assert not Recall.objects.exists() and LotStatus.RECALLED not in _statuses().values()


def test_nothing_ticked_or_no_reason_names_the_field(client, lots, product, biz_owner):
    client.force_login(biz_owner)
    page = client.post(f"{URL}?product={product.pk}", {"reason": "Bao bì rách"}).content.decode()
    assert "Các lô thu hồi: Chọn ít nhất một lô để thu hồi." in page
    page = client.post(f"{URL}?product={product.pk}", {"lots": [lots[0].pk]}).content.decode()
    assert "Lý do thu hồi: Trường này là bắt buộc." in page
    assert not Recall.objects.exists()


def test_recalled_lots_are_not_offered_again(client, lots, product, biz_owner):
    actions.recall_lots([lots[1]], actor=biz_owner, reason="Bao bì rách")
    client.force_login(biz_owner)
    form = client.get(URL, {"product": product.pk}).context["form"]
    assert {lot.code for lot in form.fields["lots"].queryset} == {"HD-01", "HD-03"}


def test_a_visitor_is_sent_to_sign_in(client, consumer, product):
    response = client.get(URL, {"product": product.pk})
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
