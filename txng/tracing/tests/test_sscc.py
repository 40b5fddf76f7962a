"""Logistic units (SSCC): packing onto a carton or pallet, shipping it, unpacking on receipt."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from txng.catalog.identifiers import validate_sscc
from txng.tracing import actions, queries
from txng.tracing.codes import lot_class_uri
from txng.tracing.importer import run_job
from txng.tracing.models import Event, ImportJob, Shipment

from .conftest import make_product
from .test_import import _csv
from .test_trace import _document, _validator

# Form times after the lot fixture was made (a shipment before its lot is refused).
SOON = (timezone.localtime() + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
TODAY = timezone.localdate().strftime("%d/%m/%Y")

pytestmark = pytest.mark.django_db

SSCC = "389300000000000010"  # extension 3, GS1 Viet Nam prefix 893, check digit 0
OTHER_SSCC = "389300000000000027"
PALLET = f"https://id.gs1.org/00/{SSCC}"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("38930000000000001", "đúng 18 chữ số"),
        ("3893000000000000AB", "đúng 18 chữ số"),
        ("389300000000000011", "sai số kiểm tra"),
    ],
)
def test_bad_sscc_is_refused_with_its_reason(value, message):
    validate_sscc(SSCC)
    with pytest.raises(ValidationError) as err:
        validate_sscc(value)
    assert message in err.value.messages[0]


def _aggregations(**filters):
    return Event.objects.filter(type="AggregationEvent", **filters).order_by("id")


def test_shipping_on_a_pallet_packs_the_lot_onto_it_first(lot, biz_owner, other_business):
    shipment = actions.ship(
        lot, actor=biz_owner, quantity=40, receiver=other_business, sscc=f" {SSCC} "
    )
    assert shipment.sscc == SSCC
    (packing,) = _aggregations()
    assert packing.document["parentID"] == PALLET
    assert packing.document["action"] == "ADD" and packing.biz_step == "packing"
    assert packing.document["childQuantityList"] == [
        {"epcClass": lot_class_uri(lot), "quantity": 40, "uom": "KGM"}
    ]
    assert list(packing.lot_rows.values_list("lot", "quantity")) == [(lot.pk, 40)]
    assert shipment.ship_event.document["epcList"] == [PALLET]
    assert packing.pk < shipment.ship_event.pk  # packed, then shipped
    lot.refresh_from_db()
    assert lot.in_stock == 60  # packing moves no stock; the shipment does


def test_receipt_names_the_pallet_and_unpacks_it(lot, biz_owner, other_biz):
    shipment = actions.ship(
        lot, actor=biz_owner, quantity=40, receiver=other_biz.organisation, sscc=SSCC
    )
    held = actions.confirm_receipt(shipment, actor=other_biz, received_quantity=40)
    shipment.refresh_from_db()
    assert shipment.receive_event.document["epcList"] == [PALLET]
    unpacking = _aggregations(action="DELETE").get()
    assert unpacking.business == other_biz.organisation and unpacking.biz_step == "unpacking"
    assert unpacking.document["parentID"] == PALLET
    # The goods still carry the producer's label, so the class is the source lot's.
    assert unpacking.document["childQuantityList"][0]["epcClass"] == lot_class_uri(lot)
    assert list(unpacking.lot_rows.values_list("lot", flat=True)) == [held.pk]
    validator = _validator()
    for event in Event.objects.all():
        assert not list(validator.iter_errors(_document(event.document))), event.type


def test_one_pallet_may_carry_several_lots_to_one_receiver(lot, biz_owner, product, other_business):
    second = actions.create_lot(actor=biz_owner, product=product, code="HD-02", quantity=20)
    actions.ship(lot, actor=biz_owner, quantity=10, receiver=other_business, sscc=SSCC)
    actions.ship(second, actor=biz_owner, quantity=20, receiver=other_business, sscc=SSCC)
    parents = [e.document["parentID"] for e in _aggregations()]
    assert parents == [PALLET, PALLET]
    assert Shipment.objects.filter(sscc=SSCC).count() == 2


@pytest.mark.parametrize("case", ["other business", "other receiver", "already received"])
def test_a_pallet_code_is_not_reused_elsewhere(
    case, lot, biz_owner, other_biz, third_business, other_product
):
    first = actions.ship(
        lot, actor=biz_owner, quantity=10, receiver=other_biz.organisation, sscc=SSCC
    )
    if case == "other business":
        theirs = actions.create_lot(actor=other_biz, product=other_product, code="B", quantity=5)
        attempt = dict(lot=theirs, actor=other_biz, receiver=third_business)
        expected = "một cơ sở khác"
    elif case == "other receiver":
        attempt = dict(lot=lot, actor=biz_owner, receiver=third_business)
        expected = "mỗi thùng/pallet cần một mã riêng"
    else:
        actions.confirm_receipt(first, actor=other_biz, received_quantity=10)
        attempt = dict(lot=lot, actor=biz_owner, receiver=other_biz.organisation)
        expected = "không dùng lại mã SSCC"
    events_before, shipments_before = Event.objects.count(), Shipment.objects.count()
    with pytest.raises(ValidationError) as err:
        actions.ship(attempt.pop("lot"), quantity=1, sscc=SSCC, **attempt)
    assert expected in err.value.message_dict["sscc"][0]
    assert (Event.objects.count(), Shipment.objects.count()) == (events_before, shipments_before)


def test_bad_sscc_records_nothing(lot, biz_owner):
    with pytest.raises(ValidationError) as err:
        actions.ship(lot, actor=biz_owner, quantity=1, receiver_name="Chợ", sscc="123")
    assert "sscc" in err.value.message_dict
    assert not Shipment.objects.exists() and not _aggregations().exists()


def test_consumers_do_not_see_pallet_steps(lot, biz_owner, other_biz):
    shipment = actions.ship(
        lot, actor=biz_owner, quantity=40, receiver=other_biz.organisation, sscc=SSCC
    )
    held = actions.confirm_receipt(shipment, actor=other_biz, received_quantity=40)
    titles = [step.title for step in queries.public_timeline(held)]
    assert "Nhận hàng" in titles
    assert not [t for t in titles if "SSCC" in t]
    history = Event.objects.filter(lot_rows__lot=held).values_list("title", flat=True)
    assert f"Dỡ thùng/pallet SSCC {SSCC}" in history


def test_ship_page_names_the_sscc_field_in_its_error(client, lot, biz_owner):
    client.force_login(biz_owner)
    response = client.post(
        reverse("tracing:ship", args=[lot.pk]),
        {
            "ship-quantity": "5",
            "ship-receiver_name": "Chợ",
            "ship-shipped_at": SOON,
            "ship-sscc": "389300000000000011",
        },
    )
    page = response.content.decode()
    assert "Mã SSCC (thùng/pallet)" in page and "sai số kiểm tra" in page
    assert not Shipment.objects.exists()


@pytest.mark.parametrize(
    "typed", [f"(00){SSCC}", f"(00) {SSCC}", f"00{SSCC}", "3 8930000 000000001 0"]
)
def test_the_ship_form_takes_the_label_as_a_scanner_reads_it(client, lot, biz_owner, typed):
    client.force_login(biz_owner)
    client.post(
        reverse("tracing:ship", args=[lot.pk]),
        {
            "ship-quantity": "5",
            "ship-receiver_name": "Chợ",
            "ship-shipped_at": SOON,
            "ship-sscc": typed,
        },
    )
    assert Shipment.objects.get().sscc == SSCC


def test_shipping_takes_the_label_text_too_as_the_import_gives_it(biz_owner, lot):
    shipment = actions.ship(
        lot, actor=biz_owner, quantity=5, receiver_name="Chợ", sscc=f"(00){SSCC}"
    )
    assert shipment.sscc == SSCC


def test_receiver_sees_the_pallet_code_before_confirming(client, lot, biz_owner, other_biz):
    shipment = actions.ship(
        lot, actor=biz_owner, quantity=5, receiver=other_biz.organisation, sscc=SSCC
    )
    client.force_login(other_biz)
    assert SSCC in client.get(reverse("tracing:incoming")).content.decode()
    assert (
        f"(00) {SSCC}"
        in client.get(reverse("tracing:confirm", args=[shipment.pk])).content.decode()
    )


def test_import_takes_an_sscc_column_and_names_it_in_errors(client, biz_owner, lot):
    client.force_login(biz_owner)
    header = "Sản phẩm,Số lô,Số lượng,Ngày xuất,Tên bên nhận,Mã SSCC\n"
    bad = f"{lot.product.name},HD-01,5,{TODAY},Chợ A,{SSCC[:-1]}9\n"
    client.post(reverse("tracing:import"), {"kind": "shipments", "file": _csv(header + bad)})
    job = run_job(ImportJob.objects.get())  # what the worker does
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "Mã SSCC")]
    good = f"{lot.product.name},HD-01,5,{TODAY},Chợ A,{OTHER_SSCC}\n"
    client.post(reverse("tracing:import"), {"kind": "shipments", "file": _csv(header + good)})
    run_job(ImportJob.objects.get(state="queued"))
    assert Shipment.objects.get().sscc == OTHER_SSCC


def test_a_product_without_gtin_packs_under_its_internal_class(biz_owner, business):
    product = make_product(business, "Miến dong")
    lot = actions.create_lot(actor=biz_owner, product=product, code="M-1", quantity=10)
    actions.ship(lot, actor=biz_owner, quantity=10, receiver_name="Chợ", sscc=SSCC)
    child = _aggregations().get().document["childQuantityList"][0]
    assert child["epcClass"] == f"https://truyxuatnguongoc.caobang.gov.vn/id/lot/{lot.trace_code}"


def test_scanning_a_pallet_label_finds_what_came_on_it(client, lot, biz_owner, product, other_biz):
    receiver = other_biz.organisation
    first = actions.ship(lot, actor=biz_owner, quantity=5, receiver=receiver, sscc=SSCC)
    actions.ship(lot, actor=biz_owner, quantity=6, receiver=receiver, sscc=OTHER_SSCC)
    client.force_login(other_biz)
    url = reverse("tracing:incoming")
    # A scanner reads the label's element string, application identifier (00) first.
    response = client.get(url, {"sscc": f"00{SSCC}"})
    assert response.status_code == 302
    assert response["Location"] == reverse("tracing:confirm", args=[first.pk])
    second = actions.create_lot(actor=biz_owner, product=product, code="HD-02", quantity=9)
    actions.ship(second, actor=biz_owner, quantity=9, receiver=receiver, sscc=SSCC)
    page = client.get(url, {"sscc": f"(00) {SSCC}"}).content.decode()
    assert "HD-01" in page and "HD-02" in page and OTHER_SSCC not in page
    page = client.get(url, {"sscc": SSCC[:-1] + "9"}).content.decode()
    assert "sai số kiểm tra" in page and OTHER_SSCC in page


def test_goods_sent_back_after_unpacking_do_not_claim_the_pallet(lot, biz_owner, other_biz):
    shipment = actions.ship(
        lot, actor=biz_owner, quantity=40, receiver=other_biz.organisation, sscc=SSCC
    )
    actions.confirm_receipt(shipment, actor=other_biz, received_quantity=40)
    actions.return_goods(shipment, actor=other_biz, quantity=5, reason="Hạt lép")
    returned = Event.objects.get(disposition="returned")
    assert "epcList" not in returned.document  # the pallet was unpacked on receipt
