import json
from pathlib import Path

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from txng.common.eventhash import document_events, event_hash
from txng.tracing import actions, queries
from txng.tracing.models import Event, LinkKind, Lot, LotLink

from .conftest import make_product, ship_and_receive

pytestmark = pytest.mark.django_db

# GS1's EPCIS 2.0 schema and examples, copied into the repository with their licence.
CONFORMANCE = Path(__file__).resolve().parents[2] / "epcis" / "tests" / "data" / "epcis2"


def _lots(business, product, n):
    return [Lot.objects.create(business=business, product=product, code=f"L{i}") for i in range(n)]


def _link(parent, child):
    LotLink.objects.create(parent=parent, child=child, kind=LinkKind.TRANSFORM)


def test_trace_follows_branching_and_merging_chains(business, product):
    a, b, c, d, e, f = _lots(business, product, 6)
    # a and b merge into c; c branches to d and e; e goes on to f.
    for parent, child in [(a, c), (b, c), (c, d), (c, e), (e, f)]:
        _link(parent, child)
    result = queries.trace([c.pk], direction="both")
    assert result.back == {c.pk: 0, a.pk: 1, b.pk: 1}
    assert result.forward == {c.pk: 0, d.pk: 1, e.pk: 1, f.pk: 2}
    assert queries.trace([f.pk], "back").lot_ids == {e.pk, c.pk, a.pk, b.pk}
    assert queries.trace([f.pk], "back", depth=1).lot_ids == {e.pk}
    assert queries.trace([a.pk], "forward").lot_ids == {c.pk, d.pk, e.pk, f.pk}


def test_trace_stops_on_a_cycle(business, product):
    a, b, c = _lots(business, product, 3)
    for parent, child in [(a, b), (b, c), (c, a)]:
        _link(parent, child)
    result = queries.trace([a.pk], direction="both", depth=50)
    assert result.lot_ids == {b.pk, c.pk}
    assert result.forward[b.pk] == 1 and result.back[c.pk] == 1


def test_trace_is_one_query(business, product):
    lots = _lots(business, product, 5)
    for parent, child in zip(lots, lots[1:], strict=False):
        _link(parent, child)
    with CaptureQueriesContext(connection) as ctx:
        queries.trace([lots[2].pk], direction="both")
    assert len(ctx.captured_queries) == 1


def test_transformation_traces_output_to_all_inputs(biz_owner, product):
    nuts = actions.create_lot(actor=biz_owner, product=product, code="N1", quantity=50)
    more = actions.create_lot(actor=biz_owner, product=product, code="N2", quantity=50)
    cake = actions.create_lot(actor=biz_owner, product=product, code="C1", quantity=1)
    event = actions.transform(
        actor=biz_owner, inputs=[(nuts, 20), (more, 10)], outputs=[(cake, 100)]
    )
    assert event.type == "TransformationEvent"
    assert queries.trace([cake.pk], "back").lot_ids == {nuts.pk, more.pk}
    nuts.refresh_from_db()
    assert nuts.consumed == 20 and nuts.in_stock == 30


def test_public_timeline_covers_upstream_without_customer_names(
    lot, biz_owner, other_biz, third_owner
):
    actions.add_diary_entry(lot, actor=biz_owner, stage_kind="harvest", notes="Thu hoạch sớm")
    held = ship_and_receive(lot, biz_owner, other_biz, 50)
    actions.ship(held, actor=other_biz, quantity=5, receiver_name="Bà Nguyễn Thị Bí Mật")
    steps = queries.public_timeline(held)
    titles = [s.title for s in steps]
    assert titles[0] == "Tạo lô sản xuất" and "Thu hoạch" in titles and "Nhận hàng" in titles
    assert steps == sorted(steps, key=lambda s: s.time)
    assert {s.business for s in steps} == {lot.business, other_biz.organisation}
    text = json.dumps([s.detail + s.title + s.place for s in steps], ensure_ascii=False)
    assert "Bí Mật" not in text


def test_public_trace_api_by_code(client, lot, biz_owner, other_biz):
    ship_and_receive(lot, biz_owner, other_biz, 50)
    response = client.get(f"/api/v1/trace/{lot.trace_code}")
    assert response.status_code == 200
    data = response.json()
    assert data["lot"]["lot"] == "HD-01" and "in_stock" not in data["lot"]
    assert "forward" not in data  # the public sees the timeline, not partners' stock
    assert client.get("/api/v1/trace/01089300000000191" + "0HD-01").status_code == 200
    assert client.get("/api/v1/trace/(01)08930000000019(10)NOPE").status_code == 404


def test_trace_visibility_per_role(
    client, lot, biz_owner, other_biz, third_owner, dept_officer, other_commune_officer
):
    held = ship_and_receive(lot, biz_owner, other_biz, 50)
    at_shop = ship_and_receive(held, other_biz, third_owner, 20)
    # The grower sees its own lot and the one-step partner, not the shop two steps on.
    client.force_login(biz_owner)
    data = client.get(f"/lo-hang/{lot.pk}/truy-vet/?format=json").json()
    assert [n["lot"] for n in data["forward"]] == [held.code]
    assert data["hidden"] == 1
    # The department manages the grower and the shop, not the processor in between.
    client.force_login(dept_officer)
    data = client.get(f"/lo-hang/{lot.pk}/truy-vet/?format=json").json()
    assert {n["id"] for n in data["forward"]} == {at_shop.pk}
    # An official of another commune cannot open it at all.
    client.force_login(other_commune_officer)
    assert client.get(f"/lo-hang/{lot.pk}/truy-vet/").status_code == 404


def test_recall_marks_downstream_and_notifies_holders(lot, biz_owner, other_biz, dept_officer):
    from txng.accounts.models import Notification

    held = ship_and_receive(lot, biz_owner, other_biz, 50)
    recall = actions.recall_lots([lot], actor=dept_officer, reason="Nhiễm nấm mốc")
    held.refresh_from_db()
    assert held.status == "recalled" and held.active_recall == recall
    assert Notification.objects.filter(organisation=other_biz.organisation, message__contains="mốc")
    assert Event.objects.filter(disposition="recalled").count() == 2


def test_gs1_examples_hash_as_stored(biz_owner, product):
    """The GS1 example events get the same eventID when stored through capture()."""
    from txng.tracing.events import capture

    doc = json.loads((CONFORMANCE / "JSON" / "Example_9.6.1-ObjectEvent.jsonld").read_text())
    event = document_events(doc)[0]
    expected = event_hash(event, doc.get("@context"))
    lot = actions.create_lot(actor=biz_owner, product=product, code="G1", quantity=1)
    stored, created = capture(
        dict(event, **{"@context": doc["@context"]}),
        business=lot.business,
        title="GS1",
        lots=[(lot, "subject", None)],
    )
    assert created and stored.event_id == expected


def _validator():
    schema = json.loads((CONFORMANCE / "EPCIS-JSON-Schema.json").read_text())
    return jsonschema.Draft7Validator(schema)


def test_generated_events_match_the_epcis_schema(lot, biz_owner, other_biz):
    validator = _validator()
    held = ship_and_receive(lot, biz_owner, other_biz, 10)
    out = actions.create_lot(actor=biz_owner, product=lot.product, code="OUT", quantity=1)
    actions.transform(actor=biz_owner, inputs=[(lot, 5)], outputs=[(out, 5)])
    actions.add_diary_entry(lot, actor=biz_owner, stage_kind="spraying", input_name="Bordeaux")
    events = Event.objects.filter(lot_rows__lot__in=[lot, held, out]).distinct()
    assert events.count() >= 6
    for event in events:
        # The schema validates a whole EPCIS document; wrap each event in a minimal one.
        errors = list(validator.iter_errors(_document(event.document)))
        assert not errors, [e.message for e in errors]
    bad = dict(events[0].document, action="SOMETIMES")
    assert list(validator.iter_errors(_document(bad)))


def _document(event):
    context = event.get("@context", ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"])
    body = {k: v for k, v in event.items() if k != "@context"}
    return {
        "@context": context,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": body["eventTime"],
        "epcisBody": {"eventList": [body]},
    }


def test_internal_code_for_product_without_gtin(biz_owner, business):
    product = make_product(business, "Miến dong")
    lot = actions.create_lot(actor=biz_owner, product=product, code="M-1", quantity=5)
    assert lot.trace_code.startswith("VN.CB.") and lot.trace_code.endswith(".M-1")
    assert lot.get_absolute_url().endswith(f"/truy-xuat/{lot.trace_code}/")


def test_lot_epcis_document_ids_are_the_canonical_hashes(client, lot, biz_owner, other_biz):
    from django.urls import reverse

    from txng.common.eventhash import document_hashes

    actions.add_diary_entry(lot, actor=biz_owner, stage_kind="harvest", input_name="Giỏ tre")
    ship_and_receive(lot, biz_owner, other_biz, 10)
    url = reverse("tracing:lot_epcis", args=[lot.pk])
    client.force_login(other_biz)
    assert client.get(url).status_code == 404
    client.force_login(biz_owner)
    document = client.get(url).json()
    events = document["epcisBody"]["eventList"]
    assert len(events) == 4
    assert document_hashes(document) == [e["eventID"] for e in events]
