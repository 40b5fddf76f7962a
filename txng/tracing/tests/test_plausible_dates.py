"""Dates that would make a lot's story contradict itself are refused at entry (issue 17)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from txng.audit.models import AuditEntry
from txng.catalog.models import Facility
from txng.tracing import actions
from txng.tracing.models import LotStatus

from .conftest import ship_and_receive

pytestmark = pytest.mark.django_db


def _started_lot(owner, product, days_ago=10):
    return actions.create_lot(
        actor=owner,
        product=product,
        code="HD-10",
        quantity=50,
        time=timezone.now() - timedelta(days=days_ago),
    )


def test_diary_entry_before_the_lot_started_is_refused(biz_owner, product):
    lot = _started_lot(biz_owner, product)
    with pytest.raises(ValidationError) as exc:
        actions.add_diary_entry(
            lot, actor=biz_owner, stage_kind="harvest", time=timezone.now() - timedelta(days=11)
        )
    assert "time" in exc.value.error_dict
    assert "HD-10" in exc.value.messages[0]
    assert not lot.diary.exists()


def test_diary_entry_after_the_lot_started_is_kept(biz_owner, product):
    lot = _started_lot(biz_owner, product)
    entry = actions.add_diary_entry(
        lot, actor=biz_owner, stage_kind="harvest", time=timezone.now() - timedelta(days=9)
    )
    assert entry.pk


def test_shipment_dated_before_the_lot_started_is_refused(biz_owner, product):
    lot = _started_lot(biz_owner, product)
    with pytest.raises(ValidationError) as exc:
        actions.ship(
            lot,
            actor=biz_owner,
            quantity=1,
            receiver_name="Chợ Trùng Khánh",
            shipped_at=timezone.now() - timedelta(days=12),
        )
    assert "shipped_at" in exc.value.error_dict
    lot.refresh_from_db()
    assert lot.shipped == 0


def test_spraying_after_harvest_is_refused(biz_owner, product):
    lot = _started_lot(biz_owner, product)
    actions.add_diary_entry(
        lot, actor=biz_owner, stage_kind="harvest", time=timezone.now() - timedelta(days=5)
    )
    with pytest.raises(ValidationError) as exc:
        actions.add_diary_entry(
            lot, actor=biz_owner, stage_kind="spraying", time=timezone.now() - timedelta(days=2)
        )
    assert "phun thuốc" in exc.value.messages[0]


def test_harvest_dated_before_the_last_spraying_is_refused(biz_owner, product):
    lot = _started_lot(biz_owner, product)
    actions.add_diary_entry(
        lot, actor=biz_owner, stage_kind="spraying", time=timezone.now() - timedelta(days=3)
    )
    with pytest.raises(ValidationError):
        actions.add_diary_entry(
            lot, actor=biz_owner, stage_kind="packing", time=timezone.now() - timedelta(days=4)
        )
    # Spraying before the harvest is the normal order.
    actions.add_diary_entry(
        lot, actor=biz_owner, stage_kind="harvest", time=timezone.now() - timedelta(days=1)
    )


def test_diary_entry_records_its_own_facility_and_event_location(biz_owner, product, client):
    lot = _started_lot(biz_owner, product)
    orchard = Facility.objects.create(
        business=lot.business, name="Vườn hạt dẻ Đình Phong", kind="farm", gln="8930000000026"
    )
    client.force_login(biz_owner)
    when = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/lo-hang/{lot.pk}/nhat-ky/",
        {"diary-stage_kind": "harvest", "diary-time": when, "diary-facility": orchard.pk},
    )
    assert response.status_code == 302
    entry = lot.diary.get()
    assert entry.facility == orchard
    assert entry.event.facility == orchard
    assert "8930000000026" in entry.event.biz_location or orchard.gln in str(entry.event.document)


def test_diary_form_offers_only_the_business_facilities(biz_owner, product, other_business):
    from txng.tracing.forms import DiaryForm

    lot = _started_lot(biz_owner, product)
    Facility.objects.create(business=other_business, name="Xưởng khác", kind="workshop")
    form = DiaryForm(lot=lot)
    names = {f.name for f in form.fields["facility"].queryset}
    assert "Xưởng khác" not in names and names


def test_received_lot_with_stock_is_not_shown_as_finished(lot, biz_owner, other_biz):
    received = ship_and_receive(lot, biz_owner, other_biz, Decimal("30"))
    assert received.status == LotStatus.RECEIVED
    assert received.get_status_display() != "Đã hoàn thành"


def test_receipt_audit_keeps_numbers_not_padded_text(lot, biz_owner, other_biz):
    ship_and_receive(lot, biz_owner, other_biz, Decimal("30"))
    entry = AuditEntry.objects.get(action="tracing.receive")
    assert entry.changes["received"] == [30, 30]


def test_notifications_name_units_in_vietnamese_without_trailing_zeros(lot, biz_owner, other_biz):
    from txng.accounts.models import Notification

    lot.unit = "pack"
    lot.save(update_fields=["unit"])
    actions.ship(lot, actor=biz_owner, quantity=Decimal("60.000"), receiver=other_biz.organisation)
    text = Notification.objects.get(organisation=other_biz.organisation).message
    assert "60 gói" in text
    assert "60.000" not in text and "pack" not in text


def test_lot_page_keeps_technical_identifiers_in_a_details_section(lot, biz_owner, client):
    client.force_login(biz_owner)
    html = client.get(f"/lo-hang/{lot.pk}/").content.decode()
    timeline, _sep, technical = html.partition('data-testid="technical"')
    assert "ni:///" not in timeline and "EPCIS" not in timeline
    assert "ni:///sha-256;" in technical and "EPCIS" in technical
