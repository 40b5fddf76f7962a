"""A received lot of a GTIN product keeps the code printed on its label (issue 21): the
producer's (01)…(10)… code, unique only among the producer's lots; a lookup by that code
opens the producer's lot, and the chain still reaches the receiver's lot."""

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from txng.tracing import actions
from txng.tracing.codes import lot_class_uri
from txng.tracing.models import Lot

from .conftest import make_product, ship_and_receive

pytestmark = pytest.mark.django_db


def test_a_received_lot_carries_the_producers_label_code(lot, biz_owner, other_biz, third_owner):
    held = ship_and_receive(lot, biz_owner, other_biz, 40)
    assert lot.trace_code == "(01)08930000000019(10)HD-01"
    assert held.trace_code == lot.trace_code
    assert held.business != lot.business and not held.producer_lot and lot.producer_lot
    # one step further down the chain, and a second receipt of the same lot: the same label
    resold = ship_and_receive(held, other_biz, third_owner, 10)
    again = ship_and_receive(lot, biz_owner, other_biz, 5)
    assert again.code == "HD-01-2"
    assert resold.trace_code == again.trace_code == lot.trace_code
    # the receipt's event names the lot class printed on the label, not the receiver's own code
    assert lot_class_uri(again) == lot_class_uri(lot)


def test_a_lot_without_gtin_still_gets_its_own_internal_code(biz_owner, other_biz, business):
    plain = make_product(business, "Miến dong")
    lot = actions.create_lot(actor=biz_owner, product=plain, code="MD-1", quantity=10)
    held = ship_and_receive(lot, biz_owner, other_biz, 4)
    assert held.trace_code.startswith("VN.") and held.trace_code != lot.trace_code


def test_the_code_stays_unique_among_the_producers_lots(lot, biz_owner, other_biz):
    ship_and_receive(lot, biz_owner, other_biz, 40)  # the receiver's copy is allowed
    twin = Lot(business=lot.business, product=lot.product, code="HD-01b", trace_code=lot.trace_code)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_the_public_page_by_code_opens_the_producers_lot_and_links_the_holders(
    client, lot, biz_owner, other_biz
):
    held = ship_and_receive(lot, biz_owner, other_biz, 40)
    page = client.get(f"/truy-xuat/{lot.trace_code}/")
    assert page.status_code == 200
    assert page.context["lot"] == lot and page.context["holder"] is None
    assert held.get_absolute_url() in page.content.decode()  # the receiver's part, linked
    theirs = client.get(held.get_absolute_url())
    assert theirs.context["lot"] == held
    assert theirs.context["holder"] == other_biz.organisation


def test_the_trace_api_by_code_reaches_the_receivers_part_of_the_chain(
    client, lot, biz_owner, other_biz
):
    held = ship_and_receive(lot, biz_owner, other_biz, 40)
    data = client.get(f"/api/v1/trace/{lot.trace_code}").json()
    assert data["lot"]["trace_code"] == lot.trace_code
    assert data["lot"]["business"] == lot.business.name
    assert data["holders"] == [
        {"business": other_biz.organisation.name, "url": held.get_absolute_url()}
    ]
    client.force_login(other_biz)  # the receiver, who may see its own lot, still starts there
    data = client.get(f"/api/v1/trace/{held.trace_code}").json()
    assert data["lot"]["business"] == lot.business.name
    assert [f["id"] for f in data["forward"]] == [held.pk]
    holder = other_biz.organisation.ref
    theirs = client.get(f"/api/v1/trace/{held.trace_code}", {"tai": holder}).json()
    assert theirs["lot"]["business"] == other_biz.organisation.name


def test_the_resolver_opens_the_producers_lot(client, lot, biz_owner, other_biz):
    ship_and_receive(lot, biz_owner, other_biz, 40)
    response = client.get("/01/08930000000019/10/HD-01")
    assert response.status_code in (302, 307)
    assert response["Location"].endswith(lot.get_absolute_url())


def test_the_migration_gives_lots_already_received_their_label_code(lot, biz_owner, other_biz):
    held = ship_and_receive(lot, biz_owner, other_biz, 40)
    # as the old code made it: an internal code, and not yet told apart from the producer's lot
    Lot.objects.filter(pk=held.pk).update(trace_code="VN.CB.OLDCODE123.HD-01", producer_lot=True)
    migration = importlib.import_module(
        "txng.tracing.migrations.0011_received_lot_keeps_label_code"
    )
    migration.label_codes(apps, None)
    held.refresh_from_db()
    lot.refresh_from_db()
    assert held.trace_code == lot.trace_code and not held.producer_lot and lot.producer_lot


def test_a_received_lots_former_code_still_finds_it(client, lot, biz_owner, other_biz):
    """Events recorded before the migration name the internal code (never edited), and pages and
    labels may carry it: the trace API and the resolver's /id/lot/ still reach the held lot."""
    held = ship_and_receive(lot, biz_owner, other_biz, 40)
    Lot.objects.filter(pk=held.pk).update(trace_code="VN.CB.OLDCODE123.HD-01", producer_lot=True)
    migration = importlib.import_module(
        "txng.tracing.migrations.0011_received_lot_keeps_label_code"
    )
    migration.label_codes(apps, None)
    held.refresh_from_db()
    assert held.former_trace_code == "VN.CB.OLDCODE123.HD-01"
    client.force_login(other_biz)
    data = client.get("/api/v1/trace/VN.CB.OLDCODE123.HD-01").json()
    assert data["lot"]["business"] == other_biz.organisation.name
    assert Lot.objects.by_trace_code("VN.CB.OLDCODE123.HD-01").get() == held


def test_goods_returned_to_their_producer_can_be_received(lot, biz_owner, other_biz):
    held = ship_and_receive(lot, biz_owner, other_biz, 40)
    back = ship_and_receive(held, other_biz, biz_owner, 10)
    assert back.business == lot.business and back.producer_lot
    assert back.code == "HD-01-2"
    assert back.trace_code == "(01)08930000000019(10)HD-01-2" != lot.trace_code
    back.refresh_from_db()
    assert back.in_stock == 10


def test_the_migration_reversed_gives_each_lot_a_code_of_its_own(
    lot, biz_owner, other_biz, third_owner
):
    migration = importlib.import_module(
        "txng.tracing.migrations.0011_received_lot_keeps_label_code"
    )
    before = ship_and_receive(lot, biz_owner, other_biz, 40)
    Lot.objects.filter(pk=before.pk).update(trace_code="VN.CB.OLDCODE123.HD-01", producer_lot=True)
    migration.label_codes(apps, None)  # received before the migration: it had its own code
    since = ship_and_receive(lot, biz_owner, third_owner, 10)  # received since: the label's
    assert Lot.objects.filter(trace_code=lot.trace_code).count() == 3

    migration.own_codes(apps, None)

    lot.refresh_from_db()
    before.refresh_from_db()
    since.refresh_from_db()
    assert lot.trace_code == "(01)08930000000019(10)HD-01"  # the producer's lot keeps it
    assert before.trace_code == "VN.CB.OLDCODE123.HD-01"
    assert since.trace_code.startswith("VN.") and since.trace_code.endswith(".HD-01")
    codes = list(Lot.objects.values_list("trace_code", flat=True))
    assert len(codes) == len(set(codes))  # trace_code can be unique again
