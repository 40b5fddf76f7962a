"""Identifiers valid everywhere: no invented URNs or typed names in events, CBV pairs, codes that
carry the province and no database id."""

import json
import re

import pytest

from txng.tracing import actions
from txng.tracing.codes import location_code, party_uri
from txng.tracing.models import Event, StageKind

from .conftest import make_product
from .test_trace import _document, _validator

pytestmark = pytest.mark.django_db

SSCC = "389300000000000010"
GLN = "8934567000024"

# CBV 2.0 (§7.1 business steps, §7.2 dispositions) as this app uses it: for each business step,
# the (event type, action) pairs it fits and the dispositions that may follow it. A step that
# creates an identity is an ADD (commissioning; receiving when a lot first enters the system);
# an ADD or DELETE never goes with an observing step.
CBV_RULES = {
    "commissioning": ({("ObjectEvent", "ADD"), ("TransformationEvent", None)}, {"active"}),
    "receiving": (
        {("ObjectEvent", "OBSERVE"), ("ObjectEvent", "ADD")},
        {"in_progress", "returned"},
    ),
    "shipping": ({("ObjectEvent", "OBSERVE")}, {"in_transit"}),
    "packing": ({("AggregationEvent", "ADD"), ("ObjectEvent", "OBSERVE")}, {"in_progress"}),
    "unpacking": ({("AggregationEvent", "DELETE")}, {"in_progress"}),
    "destroying": ({("ObjectEvent", "DELETE")}, {"destroyed"}),
    "cycle_counting": ({("ObjectEvent", "OBSERVE")}, {None}),
    "holding": ({("ObjectEvent", "OBSERVE")}, {"recalled", "in_progress"}),
    "collecting": ({("ObjectEvent", "OBSERVE")}, {"in_progress"}),
    "storing": ({("ObjectEvent", "OBSERVE")}, {"in_progress"}),
    "inspecting": ({("ObjectEvent", "OBSERVE")}, {"in_progress"}),
    "other": ({("ObjectEvent", "OBSERVE")}, {"in_progress"}),
}


@pytest.fixture
def every_event(biz_owner, other_biz, business, dept_officer):
    """One of each event the app makes: lots made and bought, every diary stage, a pallet
    shipped and received, a return, a sale outside the system with an invoice, a
    transformation, a destruction, a stock count, a recall and its lifting."""
    product = make_product(business, "Hạt dẻ", gtin="8930000000019")
    plain = make_product(business, "Miến dong")
    lot = actions.create_lot(actor=biz_owner, product=product, code="HD-01", quantity=100)
    bought = actions.create_lot(
        actor=biz_owner,
        product=plain,
        code="NL-01",
        quantity=50,
        kind="material",
        supplier_name="Bà Nông Thị Lan",
    )
    for kind in StageKind:
        actions.add_diary_entry(lot, actor=biz_owner, stage_kind=kind, person="Chị Mai")
    shipment = actions.ship(
        lot, actor=biz_owner, quantity=10, receiver=other_biz.organisation, sscc=SSCC
    )
    actions.confirm_receipt(shipment, actor=other_biz, received_quantity=10)
    actions.return_goods(shipment, actor=other_biz, quantity=1, reason="Vỡ túi")
    actions.ship(
        lot, actor=biz_owner, quantity=2, receiver_name="Khách lẻ Hoàng Văn Páo", invoice_no="HD 7"
    )
    out = actions.create_lot(actor=biz_owner, product=plain, code="OUT-1", quantity=1)
    actions.transform(actor=biz_owner, inputs=[(bought, 5)], outputs=[(out, 5)])
    actions.destroy(lot, actor=biz_owner, quantity=1, reason="Mốc")
    actions.adjust_stock(lot, actor=biz_owner, delta=-1, reason="Hao hụt")
    recall = actions.recall_lots([lot], actor=dept_officer, reason="Nghi nhiễm")
    actions.lift_recall(recall, actor=dept_officer, reason="Kết quả kiểm nghiệm đạt")
    return list(Event.objects.filter(declares_error_on__isnull=True))


def test_every_event_the_app_generates_follows_cbv_rules(every_event):
    seen = set()
    for event in every_event:
        doc = event.document
        step, kind, action = doc.get("bizStep"), doc["type"], doc.get("action")
        assert step in CBV_RULES, f"{step} is not a CBV step this app should use"
        pairs, dispositions = CBV_RULES[step]
        assert (kind, action) in pairs, f"{kind} {action} with {step}"
        assert doc.get("disposition") in dispositions, f"{step} → {doc.get('disposition')}"
        seen.add(step)
    assert {"commissioning", "receiving", "shipping", "packing", "unpacking"} <= seen
    assert {"destroying", "cycle_counting", "holding", "collecting"} <= seen


def test_no_event_carries_an_invented_urn_or_a_typed_name(every_event):
    validator = _validator()
    for event in every_event:
        text = json.dumps(event.document, ensure_ascii=False)
        assert "urn:txng" not in text
        assert "Páo" not in text and "Nông Thị Lan" not in text and "Chị Mai" not in text
        assert list(validator.iter_errors(_document(event.document))) == []
    sale = next(e for e in every_event if "bizTransactionList" in e.document)
    (destination,) = sale.document["destinationList"]
    assert re.fullmatch(r"https://[^/]+/id/party/x\.[0-9A-Z]{10}", destination["destination"])
    assert "Páo" not in json.dumps(sale.document, ensure_ascii=False)


def test_party_is_a_pgln_with_a_gln_else_an_opaque_https_uri(business, other_business):
    business.gln = GLN
    assert party_uri(business) == f"https://id.gs1.org/417/{GLN}"
    uri = party_uri(other_business)
    assert uri == f"https://truyxuatnguongoc.caobang.gov.vn/id/party/{other_business.ref}"
    assert re.fullmatch(r"[0-9A-Z]{10}", other_business.ref)


def test_business_transaction_uses_cbv_form_with_the_issuers_gln(biz_owner, business, other_biz):
    business.gln = GLN
    business.save(update_fields=["gln"])
    product = make_product(business, "Hạt dẻ", gtin="8930000000019")
    lot = actions.create_lot(actor=biz_owner, product=product, code="HD-01", quantity=10)
    shipment = actions.ship(
        lot, actor=biz_owner, quantity=1, receiver=other_biz.organisation, invoice_no="0000123"
    )
    (transaction,) = shipment.ship_event.document["bizTransactionList"]
    assert transaction == {"type": "inv", "bizTransaction": f"urn:epcglobal:cbv:bt:{GLN}:0000123"}
    assert shipment.ship_event.document["sourceList"][0]["source"].endswith(f"/417/{GLN}")


def test_internal_trace_code_carries_the_province_and_no_database_id(biz_owner, business, settings):
    product = make_product(business, "Miến dong")
    lot = actions.create_lot(actor=biz_owner, product=product, code="M-1", quantity=5)
    assert re.fullmatch(r"VN\.CB\.[0-9A-Z]{10}\.M-1", lot.trace_code)
    settings.TXNG_PROVINCE = "bac-ninh"
    other = actions.create_lot(actor=biz_owner, product=product, code="M-2", quantity=5)
    assert other.trace_code.startswith("VN.BN.")


def test_location_trace_code_shows_its_application_identifier(client, business, biz_owner):
    from django.urls import reverse

    from txng.catalog.models import Facility

    facility = Facility.objects.create(business=business, name="Kho", kind="warehouse", gln=GLN)
    assert location_code(facility) == f"(414){GLN}"
    client.force_login(biz_owner)
    assert f"(414){GLN}" in client.get(reverse("catalog:facilities")).content.decode()


def _legacy_sale(biz_owner, business):
    """A sale to a walk-in buyer as it was stored before: invented URNs and the typed name."""
    from decimal import Decimal

    from django.utils import timezone

    from txng.tracing import events
    from txng.tracing.models import LotRole, Shipment

    product = make_product(business, "Miến dong")
    lot = actions.create_lot(actor=biz_owner, product=product, code="M-1", quantity=10)
    time = timezone.now()
    document = {
        "@context": events.CONTEXT,
        "type": "ObjectEvent",
        "eventTime": events.iso_time(time),
        "eventTimeZoneOffset": events.zone_offset(time),
        "action": "OBSERVE",
        "quantityList": [{"epcClass": f"urn:txng:lot:{lot.trace_code}", "quantity": 2}],
        "bizStep": "shipping",
        "disposition": "in_transit",
        "readPoint": {"id": f"urn:txng:loc:{lot.facility_id}"},
        "bizLocation": {"id": f"urn:txng:loc:{lot.facility_id}"},
        "bizTransactionList": [{"type": "inv", "bizTransaction": "urn:txng:inv:HD 7"}],
        "sourceList": [{"type": "owning_party", "source": f"urn:txng:party:{business.pk}"}],
        "destinationList": [
            {"type": "owning_party", "destination": "urn:txng:party:offline:Khách lẻ Páo"}
        ],
    }
    event, _c = events.capture(
        document,
        business=business,
        title="Xuất hàng",
        lots=[(lot, LotRole.SUBJECT, Decimal(2))],
        facility=lot.facility,
    )
    shipment = Shipment.objects.create(
        lot=lot,
        quantity=2,
        shipped_at=time,
        receiver_name="Khách lẻ Páo",
        invoice_no="HD 7",
        state="delivered",
        ship_event=event,
    )
    return event, shipment


def test_stored_events_are_corrected_by_declaration_not_edited(biz_owner, business):
    import io

    from django.core.management import call_command

    from txng.tracing.codes import offline_party_uri

    old, shipment = _legacy_sale(biz_owner, business)
    old.refresh_from_db()
    before = old.document
    out = io.StringIO()
    call_command("correct_event_identifiers", stdout=out)
    assert "1 events corrected" in out.getvalue()
    old.refresh_from_db()
    assert old.document == before  # never edited
    declaration = old.error_declarations.get()
    (copy_id,) = declaration.document["errorDeclaration"]["correctiveEventIDs"]
    shipment.refresh_from_db()
    copy = shipment.ship_event
    assert copy.event_id == copy_id and copy.pk != old.pk
    text = json.dumps(copy.document, ensure_ascii=False)
    assert "urn:txng" not in text and "Páo" not in text
    assert copy.document["destinationList"][0]["destination"] == offline_party_uri(
        shipment.receiver_ref
    )
    assert copy.document["sourceList"][0]["source"].endswith(f"/id/party/{business.ref}")
    assert copy.document["bizTransactionList"][0]["bizTransaction"].endswith(
        f"/id/bt/{business.ref}/inv/HD%207"
    )
    assert list(_validator().iter_errors(_document(copy.document))) == []
    out = io.StringIO()
    call_command("correct_event_identifiers", stdout=out)
    assert "0 events corrected" in out.getvalue()
