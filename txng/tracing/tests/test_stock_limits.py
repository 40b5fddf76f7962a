"""Quantities stay bounded: no receipt above what was shipped; a large stock adjustment is
reported to the managing agencies; both show on the lot's history."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from txng.accounts.models import Notification
from txng.tracing import actions
from txng.tracing.models import Lot, Shipment, ShipmentState

from .conftest import ship_and_receive

pytestmark = pytest.mark.django_db


def test_receiving_more_than_was_shipped_is_refused_naming_the_field(lot, biz_owner, other_biz):
    shipment = actions.ship(lot, actor=biz_owner, quantity=1, receiver=other_biz.organisation)
    with pytest.raises(ValidationError) as refused:
        actions.confirm_receipt(
            shipment, actor=other_biz, received_quantity=100000, note="nhận thêm"
        )
    assert "received_quantity" in refused.value.error_dict
    assert "100000" in refused.value.messages[0] and "1 kg" in refused.value.messages[0]
    assert Shipment.objects.get().state == ShipmentState.IN_TRANSIT
    assert not Lot.objects.filter(business=other_biz.organisation).exists()


def test_the_receipt_page_shows_the_refusal_on_the_field(client, lot, biz_owner, other_biz):
    shipment = actions.ship(lot, actor=biz_owner, quantity=1, receiver=other_biz.organisation)
    client.force_login(other_biz)
    response = client.post(
        reverse("tracing:confirm", args=[shipment.pk]),
        {"received_quantity": "100000", "receipt_note": "x"},
    )
    assert response.status_code == 200
    assert "không được lớn hơn số lượng đã xuất" in response.content.decode()


def test_a_large_adjustment_tells_the_managing_agencies_and_shows_on_the_history(
    client, lot, biz_owner, department, commune, settings
):
    settings.STOCK_ADJUST_REASON_PERCENT = 10
    actions.adjust_stock(lot, actor=biz_owner, delta=Decimal("9999999"), reason="Đếm lại kho")
    for agency in (department, commune):
        notice = Notification.objects.get(organisation=agency)
        assert lot.code in notice.message and "+9999999" in notice.message
        assert "Đếm lại kho" in notice.message
        assert notice.link == reverse("tracing:lot", args=[lot.pk])
    client.force_login(biz_owner)
    page = client.get(reverse("tracing:lot", args=[lot.pk])).content.decode()
    assert "Điều chỉnh tồn +9999999. Lý do: Đếm lại kho" in page


def test_an_adjustment_within_the_threshold_tells_no_agency(lot, biz_owner, department, settings):
    settings.STOCK_ADJUST_REASON_PERCENT = 10
    actions.adjust_stock(lot, actor=biz_owner, delta=Decimal("-10"), reason="Hao hụt khi sấy")
    assert not Notification.objects.filter(organisation=department).exists()


def test_an_adjustment_always_needs_a_reason(lot, biz_owner):
    with pytest.raises(ValidationError) as refused:
        actions.adjust_stock(lot, actor=biz_owner, delta=Decimal("500"), reason=" ")
    assert "reason" in refused.value.error_dict


def test_a_short_receipt_shows_its_difference_and_note_on_the_history(
    client, lot, biz_owner, other_biz
):
    received = ship_and_receive(lot, biz_owner, other_biz, 40, received=38)
    client.force_login(other_biz)
    page = client.get(reverse("tracing:lot", args=[received.pk])).content.decode()
    assert "Nhận chênh lệch -2" in page and "hao hụt" in page
