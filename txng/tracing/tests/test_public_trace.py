"""The public trace page and API: only published products, the ten items of Circular 02/2024,
producer and holder apart, and a journey whose every step carries its codes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from txng.catalog import facts
from txng.catalog.models import ProductImage
from txng.tracing import actions, queries

from .conftest import make_product, ship_and_receive

pytestmark = pytest.mark.django_db


def complete(product):
    """Fill the product items a producer can record (name is already there)."""
    product.brand = "Hạt dẻ Trùng Khánh"
    product.standards = "TCCS 01:2024/HTX"
    product.shelf_life = "6 tháng kể từ ngày sản xuất"
    product.save()
    product.facility.address = "Xóm Nà Giàng, xã Trùng Khánh"
    product.facility.save()
    ProductImage.objects.create(product=product, image="public/products/hat-de.jpg", approved=True)
    return product


def full_lot(biz_owner, product):
    lot = actions.create_lot(
        actor=biz_owner,
        product=complete(product),
        code="HD-2026-09",
        quantity=100,
        production_date=datetime.date(2026, 9, 20),
        expiry_date=datetime.date(2027, 3, 20),
        time=timezone.now() - datetime.timedelta(days=3),
    )
    actions.add_diary_entry(
        lot,
        actor=biz_owner,
        stage_kind="harvest",
        time=timezone.now() - datetime.timedelta(days=2),
    )
    return lot


def test_lot_of_unpublished_product_is_not_public(client, biz_owner, business):
    draft = make_product(business, "Miến dong chưa duyệt", state="draft")
    lot = actions.create_lot(actor=biz_owner, product=draft, code="MD-1", quantity=5)
    assert client.get(lot.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/trace/{lot.trace_code}").status_code == 404
    client.force_login(biz_owner)  # its business still sees its own lot
    assert client.get(lot.get_absolute_url()).status_code == 200
    assert client.get(f"/api/v1/trace/{lot.trace_code}").status_code == 200


def test_lot_of_withdrawn_product_is_no_longer_public(client, lot):
    lot.product.state = "withdrawn"
    lot.product.withdrawn_reason = "Nhãn sai"
    lot.product.save()
    assert client.get(lot.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/trace/{lot.trace_code}").status_code == 404


def test_upstream_lot_of_unpublished_product_stays_out_of_the_journey(business, biz_owner, product):
    raw = make_product(business, "Hạt dẻ thô nội bộ", state="draft")
    nuts = actions.create_lot(actor=biz_owner, product=raw, code="RAW-1", quantity=50)
    actions.add_diary_entry(nuts, actor=biz_owner, stage_kind="harvest", notes="")
    packed = actions.create_lot(actor=biz_owner, product=product, code="P-1", quantity=1)
    actions.transform(actor=biz_owner, inputs=[(nuts, 20)], outputs=[(packed, 40)])
    codes = {s.trace_code for s in queries.public_timeline(packed)}
    assert codes == {packed.trace_code}


def test_trace_page_has_all_ten_items_when_recorded(client, biz_owner, product):
    lot = full_lot(biz_owner, product)
    steps = queries.public_timeline(lot)
    assert facts.missing_items(lot.product, lot, steps) == []
    assert facts.count_items(lot.product, lot, steps) == 10
    page = client.get(lot.get_absolute_url())
    html = page.content.decode()
    assert page.context["facts_count"] == 10
    for text in (
        "Hạt dẻ Trùng Khánh tươi",  # 1 name
        "/media/public/products/hat-de.jpg",  # 2 image
        "Xóm Nà Giàng",  # 3 producer address (facility)
        "20/09/2026",  # 6 production time
        lot.trace_code,  # 7 trace code
        "TCCS 01:2024/HTX",  # 10 standards
        "20/03/2027",  # 9 shelf life (expiry date of the lot)
        "Có đủ 10 thông tin cơ bản",
    ):
        assert text in html, text
    assert html.count(f"VN.CB.L.{lot.facility_id}") >= 2  # 5: each stage's location code


def test_trace_page_missing_production_time_does_not_claim_every_item(client, lot):
    html = client.get(lot.get_absolute_url()).content.decode()
    assert "Có đủ 10" not in html
    assert "Thời gian sản xuất" in html and "còn thiếu" in html


def test_trace_page_shows_producer_and_current_holder_apart(client, lot, biz_owner, other_biz):
    held = ship_and_receive(lot, biz_owner, other_biz, 30)
    page = client.get(held.get_absolute_url())
    html = page.content.decode()
    assert page.context["producer"] == lot.business
    assert page.context["holder"] == other_biz.organisation
    producer_block = html.split('data-testid="producer"')[1].split("</dd>")[0]
    holder_block = html.split('data-testid="holder"')[1].split("</dd>")[0]
    assert lot.business.name in producer_block
    assert other_biz.organisation.name in holder_block
    assert lot.business.get_absolute_url() in html
    assert lot.product.get_absolute_url() in html
    assert "/report/" in html and "Báo cáo vấn đề" in html


def test_producers_own_lot_names_no_separate_holder(client, lot):
    page = client.get(lot.get_absolute_url())
    assert page.context["holder"] is None


def test_every_public_step_has_trace_code_place_code_and_time(
    lot, biz_owner, other_biz, third_owner
):
    actions.add_diary_entry(lot, actor=biz_owner, stage_kind="harvest", notes="")
    held = ship_and_receive(lot, biz_owner, other_biz, 50)
    steps = queries.public_timeline(held)
    assert steps
    for step in steps:
        assert step.time and step.trace_code and step.place_code, step
        assert step.place  # a name a person reads, next to the code
    assert {s.trace_code for s in steps} == {lot.trace_code, held.trace_code}


def test_shipment_is_a_public_step_without_customers_or_prices(client, lot, biz_owner, other_biz):
    held = ship_and_receive(lot, biz_owner, other_biz, 50)
    actions.ship(held, actor=other_biz, quantity=5, receiver_name="Bà Nguyễn Thị Bí Mật")
    steps = queries.public_timeline(held)
    moves = [s for s in steps if s.receiver is not None]
    assert len(moves) == 1
    assert moves[0].business == lot.business and moves[0].receiver == other_biz.organisation
    assert moves[0].trace_code == lot.trace_code
    html = client.get(held.get_absolute_url()).content.decode()
    assert "Vận chuyển" in html and "Bí Mật" not in html
    # held carries the producer's printed code: its own trace is asked for by the holder's ref
    holder = other_biz.organisation.ref
    data = client.get(f"/api/v1/trace/{held.trace_code}", {"tai": holder}).json()
    move = next(s for s in data["timeline"] if s["to"])
    assert move["to"] == other_biz.organisation.name and move["trace_code"] == lot.trace_code
    assert "Bí Mật" not in str(data) and "invoice" not in str(data)


def test_product_page_shows_lots_with_production_time_and_trace_code(client, biz_owner, product):
    lot = full_lot(biz_owner, product)
    html = client.get(product.get_absolute_url()).content.decode()
    assert "20/09/2026" in html and lot.trace_code in html and lot.get_absolute_url() in html


def test_product_page_without_a_lot_never_claims_every_item(client, biz_owner, product):
    complete(product)  # all six product items, no GTIN needed
    product.gtin = ""
    product.save()
    response = client.get(product.get_absolute_url())
    html = response.content.decode()
    assert "Có đủ" not in html and "chưa cung cấp" not in html
    assert "được ghi theo từng lô hàng" in html
    assert product.missing_items == []  # GTIN is not a required item


def test_received_quantity_difference_shows_to_both_businesses_and_authorities(
    client, lot, biz_owner, other_biz, dept_officer, other_commune_officer
):
    held = ship_and_receive(lot, biz_owner, other_biz, 30, received="29.5")
    for user, page in (
        (biz_owner, lot),
        (dept_officer, lot),
        (other_biz, held),
        (other_commune_officer, held),
    ):
        client.force_login(user)
        html = client.get(reverse("tracing:lot", args=[page.pk])).content.decode()
        assert "29,5" in html and "hao hụt" in html, user
    client.logout()
    public = client.get(held.get_absolute_url()).content.decode()
    assert "29,5" not in public and "hao hụt" not in public


def test_product_page_has_all_ten_items_from_its_latest_lot(client, biz_owner, product):
    older = actions.create_lot(
        actor=biz_owner,
        product=product,
        code="HD-2026-01",
        quantity=5,
        production_date=datetime.date(2026, 1, 5),
    )
    lot = full_lot(biz_owner, product)
    steps = queries.public_timeline(lot)
    response = client.get(product.get_absolute_url())
    html = response.content.decode()
    assert response.context["facts_lot"] == lot
    assert "Có đủ 10 thông tin cơ bản" in html and "còn thiếu" not in html
    journey = html.split('data-testid="latest-journey"')[1].split("</section>")[0]
    assert len(steps) == 2 and journey.count("<li") == 2
    for step in steps:  # items 4-5: each stage's product and location trace codes and time
        assert step.trace_code == lot.trace_code and step.place_code in journey
        assert timezone.localtime(step.time).strftime("%d/%m/%Y %H:%M") in journey
    assert older.trace_code not in journey
    assert older.get_absolute_url() in html  # the older lot still links to its own journey


def test_product_page_changes_its_etag_when_the_latest_lot_gains_a_stage(
    client, biz_owner, product, django_capture_on_commit_callbacks
):
    lot = full_lot(biz_owner, product)
    first = client.get(product.get_absolute_url())
    again = client.get(product.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_diary_entry(lot, actor=biz_owner, stage_kind="packing", notes="")
    later = client.get(product.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert later.status_code == 200 and later.content.decode().count('data-testid="timeline"')
