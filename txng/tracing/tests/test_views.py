from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from txng.tracing import actions
from txng.tracing.models import Lot, RequestState, Shipment, TracingRequest

from .conftest import ship_and_receive

# Form times after the lot fixture was made (a shipment before its lot is refused).
SOON = (timezone.localtime() + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
TODAY = timezone.localdate().strftime("%d/%m/%Y")

pytestmark = pytest.mark.django_db


def _pages(lot, shipment=None):
    urls = [
        reverse("tracing:lot", args=[lot.pk]),
        reverse("tracing:trace", args=[lot.pk]),
    ]
    if shipment:
        urls += [reverse("tracing:confirm", args=[shipment.pk])]
    return urls


def test_anonymous_is_sent_to_login(client, lot):
    for url in _pages(lot) + [
        reverse("tracing:lots"),
        reverse("tracing:incoming"),
        reverse("tracing:stock"),
        reverse("tracing:requests"),
        reverse("tracing:recalls"),
        reverse("tracing:processes"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url


def test_other_business_cannot_see_or_act_on_my_lot(client, lot, other_biz, biz_owner):
    shipment = actions.ship(lot, actor=biz_owner, quantity=1, receiver_name="Chợ Trùng Khánh")
    client.force_login(other_biz)
    for url in _pages(lot, shipment):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("tracing:ship", args=[lot.pk]), {"quantity": 1})
    assert response.status_code == 404
    assert (
        client.post(reverse("tracing:recall_new", args=[lot.pk]), {"reason": "x"}).status_code
        == 404
    )
    assert list(Lot.objects.visible_to(other_biz)) == []


def test_lot_pages_for_owner_and_managing_officer(client, lot, biz_owner, commune_officer):
    for user in (biz_owner, commune_officer):
        client.force_login(user)
        page = client.get(reverse("tracing:lot", args=[lot.pk]))
        assert page.status_code == 200
        assert "HD-01" in page.content.decode()
        assert client.get(reverse("tracing:lots")).content.decode().count("HD-01") == 1


def test_create_lot_and_diary_through_pages(client, biz_owner, product):
    client.force_login(biz_owner)
    response = client.post(
        reverse("tracing:lot_new"),
        {
            "product": product.pk,
            "code": "WEB-1",
            "quantity": "12.5",
            "unit": "kg",
            "kind": "product",
        },
    )
    lot = Lot.objects.get(code="WEB-1")
    assert response.status_code == 302 and lot.in_stock == 12.5
    bad = client.post(
        reverse("tracing:lot_new"),
        {"product": product.pk, "code": "có dấu", "quantity": "1", "unit": "kg", "kind": "product"},
    )
    assert "Số lô" in bad.content.decode()
    client.post(
        reverse("tracing:diary_add", args=[lot.pk]),
        {
            "diary-stage_kind": "fertilising",
            "diary-time": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "diary-input_name": "Phân chuồng hoai",
        },
    )
    assert lot.diary.get().input_name == "Phân chuồng hoai"


def test_over_shipping_page_shows_vietnamese_error(client, lot, biz_owner):
    client.force_login(biz_owner)
    response = client.post(
        reverse("tracing:ship", args=[lot.pk]),
        {
            "ship-quantity": "500",
            "ship-receiver_name": "Chợ",
            "ship-shipped_at": SOON,
        },
    )
    assert "chỉ còn 100" in response.content.decode()
    assert not Shipment.objects.exists()


def test_public_lot_page_shows_recall_warning(client, lot, dept_officer):
    actions.recall_lots([lot], actor=dept_officer, reason="Dư lượng thuốc vượt ngưỡng")
    page = client.get(lot.get_absolute_url())
    assert page.status_code == 200
    assert "đang bị thu hồi" in page.content.decode()
    assert "Dư lượng thuốc" in page.content.decode()


def test_tracing_request_flow_and_overdue(client, lot, biz_owner, dept_officer, other_biz):
    request = actions.open_tracing_request(
        actor=dept_officer, business=lot.business, subject="HD-01", lot=lot, reason="Ngộ độc"
    )
    assert request.deadline > timezone.localdate()
    assert (request.deadline - timezone.localdate()).days in (5, 6, 7)
    client.force_login(other_biz)
    assert client.get(reverse("tracing:request", args=[request.pk])).status_code == 404
    client.force_login(biz_owner)
    client.post(reverse("tracing:request", args=[request.pk]), {"comment": "Đã kiểm tra"})
    request.refresh_from_db()
    assert request.state == RequestState.ANSWERED
    assert request.result[0]["lot"]["lot"] == "HD-01"
    late = TracingRequest.objects.create(
        authority=dept_officer.organisation,
        business=lot.business,
        subject="x",
        reason="y",
        deadline=timezone.localdate() - timedelta(days=1),
    )
    assert late.overdue and not request.overdue


def test_business_cannot_open_tracing_request(client, biz_owner):
    client.force_login(biz_owner)
    assert client.get(reverse("tracing:request_new")).status_code == 403


def test_distributor_stock_view(client, lot, biz_owner, other_biz):
    ship_and_receive(lot, biz_owner, other_biz, 30)
    client.force_login(other_biz)
    page = client.get(reverse("tracing:stock")).content.decode()
    assert lot.business.name in page and "30" in page


def test_retention_refuses_early_purge(lot, dost_admin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="phải lưu đến"):
        actions.purge_lot(lot, actor=dost_admin)
    assert lot.retain_until() >= timezone.localdate() + timedelta(days=700)


def test_one_step_trace_stops_after_the_partner(client, lot, biz_owner, other_biz, third_owner):
    held = ship_and_receive(lot, biz_owner, other_biz, 50)
    ship_and_receive(held, other_biz, third_owner, 20)
    client.force_login(other_biz)
    data = client.get(reverse("tracing:trace", args=[held.pk]) + "?format=json&depth=1").json()
    assert [n["lot"] for n in data["back"]] == ["HD-01"]
    assert len(data["forward"]) == 1 and data["forward"][0]["steps"] == 1
    api = client.get(f"/api/v1/trace/{lot.trace_code}?depth=1").json()
    assert [n["lot"] for n in api["forward"]] == [held.code]


def test_published_templates_reach_businesses_private_ones_do_not(
    client, dept_officer, biz_owner, other_biz
):
    client.force_login(dept_officer)
    client.post(
        reverse("tracing:process_new"),
        {"name": "VietGAP chè", "stages": "Làm đất\nBón phân\nThu hoạch", "published": "on"},
    )
    client.force_login(other_biz)
    client.post(reverse("tracing:process_new"), {"name": "Riêng của tôi", "stages": "Sấy"})
    client.force_login(biz_owner)
    page = client.get(reverse("tracing:processes")).content.decode()
    assert "VietGAP chè" in page and "Riêng của tôi" not in page
    from txng.tracing.models import ProcessTemplate

    stages = ProcessTemplate.objects.get(name="VietGAP chè").stages.all()
    assert [s.kind for s in stages] == ["land", "fertilising", "harvest"]


def test_retention_is_configurable_per_category(lot, dost_admin):
    from datetime import date

    from txng.catalog.models import Category
    from txng.tracing.models import RetentionPolicy

    fresh = Category.objects.create(name="Nông sản tươi", slug="tuoi")
    RetentionPolicy.objects.create(category=fresh, months_after_expiry=0, minimum_months=6)
    lot.product.category = fresh
    lot.product.save()
    lot.production_date, lot.expiry_date = date(2026, 1, 10), date(2026, 2, 10)
    lot.save()
    # Six months from the last event on the lot (its creation today), not 24.
    assert lot.retain_until() < timezone.localdate() + timedelta(days=200)
    default = RetentionPolicy(months_after_expiry=12, minimum_months=24)
    assert default.retain_until(lot) > timezone.localdate() + timedelta(days=700)


def test_diary_stage_from_the_lots_process(client, biz_owner, product):
    process = actions.create_process(
        actor=biz_owner, name="Quy trình", stages=[("Bón lót phân chuồng", "fertilising")]
    )
    lot = actions.create_lot(
        actor=biz_owner, product=product, code="Q-1", quantity=5, process=process
    )
    client.force_login(biz_owner)
    stage = process.stages.get()
    client.post(
        reverse("tracing:diary_add", args=[lot.pk]),
        {"diary-stage": stage.pk, "diary-time": SOON},
    )
    entry = lot.diary.get()
    assert (entry.stage, entry.stage_kind, entry.stage_name) == (
        stage,
        "fertilising",
        "Bón lót phân chuồng",
    )


def test_purge_after_retention_removes_the_lot_and_its_events(biz_owner, product, dost_admin):
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from txng.tracing.models import Event

    old = actions.create_lot(
        actor=biz_owner,
        product=product,
        code="OLD-2020",
        quantity=5,
        production_date=date(2020, 1, 1),
        expiry_date=date(2020, 6, 1),
        time=datetime(2020, 1, 1, 8, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    )
    actions.purge_lot(old, actor=dost_admin)
    assert not Lot.objects.filter(code="OLD-2020").exists()
    assert not Event.objects.filter(lot_rows__lot__code="OLD-2020").exists()


def test_recall_page_lists_off_platform_buyers(client, lot, biz_owner, dept_officer, other_biz):
    actions.ship(lot, actor=biz_owner, quantity=3, receiver_name="Quán Bà Lan", invoice_no="77")
    recall = actions.recall_lots([lot], actor=biz_owner, reason="Mốc")
    client.force_login(dept_officer)
    page = client.get(reverse("tracing:recall", args=[recall.pk])).content.decode()
    assert "Quán Bà Lan" in page
    client.force_login(other_biz)
    assert client.get(reverse("tracing:recall", args=[recall.pk])).status_code == 404


def test_correcting_a_diary_entry_through_the_page(client, lot, biz_owner, other_biz):
    entry = actions.add_diary_entry(lot, actor=biz_owner, stage_kind="spraying", input_dose="9 l")
    url = reverse("tracing:diary_correct", args=[entry.pk])
    client.force_login(other_biz)
    assert client.get(url).status_code == 404
    client.force_login(biz_owner)
    form = client.get(url)
    assert "9 l" in form.content.decode()
    client.post(
        url,
        {
            "stage_kind": "spraying",
            "time": SOON,
            "input_dose": "3 l",
            "reason": "Ghi nhầm liều",
        },
    )
    assert entry.event.is_retracted
    corrected = entry.corrections.get()
    assert corrected.input_dose == "3 l"
    page = client.get(reverse("tracing:lot", args=[lot.pk])).content.decode()
    assert "đã khai báo sai" in page and "Khai báo sai sót: Phun thuốc BVTV" in page
