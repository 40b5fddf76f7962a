"""The outbox row is written in the transaction of the change, for every enabled hub."""

import pytest
from django.db import IntegrityError, transaction

from txng.accounts import actions as accounts_actions
from txng.catalog import actions as catalog_actions
from txng.national.models import OutboxRow, RecordType
from txng.tracing import actions as tracing

pytestmark = pytest.mark.django_db


def test_a_new_lot_of_a_published_product_queues_a_row_per_enabled_hub(
    nbc, epcis_hub, file_hub, lot
):
    rows = OutboxRow.objects.filter(record_type=RecordType.LOT, record_id=lot.pk)
    assert {r.hub.code for r in rows} == {"nbc", "epcis", "tay"}
    assert all(r.change == "tracing.create_lot" and r.seq == 1 for r in rows)
    assert len({r.idempotency_key for r in rows}) == 3


def test_a_disabled_hub_gets_no_rows(nbc, epcis_hub, lot):
    epcis_hub.enabled = False
    epcis_hub.save()
    tracing.finish_lot(lot, actor=lot.business.users.first())
    assert not OutboxRow.objects.filter(hub=epcis_hub, seq=2).exists()
    assert OutboxRow.objects.filter(hub=nbc, record_id=lot.pk, seq=2).exists()


def test_the_outbox_row_rolls_back_with_the_change(nbc, biz_owner, product):
    with pytest.raises(RuntimeError), transaction.atomic():
        tracing.create_lot(actor=biz_owner, product=product, code="HD-99", quantity=1)
        assert OutboxRow.objects.filter(record_type=RecordType.LOT).count() == 1
        raise RuntimeError("the change fails after its audit row")
    assert not OutboxRow.objects.exists()


def test_a_lot_of_a_draft_product_is_not_sent(nbc, biz_owner, product):
    product.state = "draft"
    product.published_at = None
    product.save()
    tracing.create_lot(actor=biz_owner, product=product, code="HD-02", quantity=1)
    assert not OutboxRow.objects.exists()


def test_a_locked_business_and_a_taken_down_product_are_queued(nbc, dost_admin, business, product):
    accounts_actions.lock_business(business, actor=dost_admin, reason="Vi phạm ghi nhãn")
    catalog_actions.take_down_product(product, actor=dost_admin, reason="Sai thông tin")
    kinds = set(OutboxRow.objects.values_list("record_type", "change"))
    assert (RecordType.ORGANISATION, "accounts.lock") in kinds
    assert (RecordType.PRODUCT, "catalog.take_down") in kinds


def test_each_change_of_a_lot_carries_only_its_new_events(nbc, lot, biz_owner):
    from txng.national.mapping import lot_events

    tracing.add_diary_entry(lot, actor=biz_owner, stage_kind="packing")
    first, second = OutboxRow.objects.filter(record_id=lot.pk).order_by("seq")
    assert [e.title for e in lot_events(first)] != [e.title for e in lot_events(second)]
    assert len(lot_events(first)) == 1 and len(lot_events(second)) == 1
    assert first.context["upto"] == second.context["after"]


def test_a_row_numbered_by_a_concurrent_change_takes_the_next_number(nbc, lot):
    from unittest import mock

    from txng.national import outbox

    # Another transaction has committed number 2 after our read saw only number 1: our first
    # insert collides with it, as the unique constraint makes it.
    OutboxRow.objects.create(
        hub=nbc,
        record_type=RecordType.LOT,
        record_id=lot.pk,
        seq=2,
        idempotency_key="other",
        next_attempt_at=lot.created_at,
    )
    real, calls = outbox._append, []

    def stale_then_real(*args):
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("duplicate key value violates national_row_order")
        return real(*args)

    with mock.patch.object(outbox, "_append", stale_then_real):
        row = outbox.enqueue(nbc, RecordType.LOT, lot.pk)
    assert row.seq == 3 and len(calls) == 2


def test_a_product_recognised_ocop_is_queued_for_the_hubs(
    nbc, product, biz_owner, commune_officer, dost_admin, dost
):
    """ocop's audit row (a peer national does not import) names the product it recognised."""
    from datetime import date

    from txng.ocop import actions as ocop
    from txng.ocop.demo_sheet import EXAMPLE_CRITERIA
    from txng.ocop.tests.helpers import answers_for, council, example_sheet, to_council

    example_sheet(dost_admin)
    app = ocop.apply(product, actor=biz_owner, group="food")
    members = council(dost, 1)
    to_council(app, commune_officer=commune_officer, dost_admin=dost_admin, members=members)
    ocop.council_score(app, actor=members[0], answers=answers_for(EXAMPLE_CRITERIA, 75)[0])
    OutboxRow.objects.all().delete()
    ocop.recognise(app, actor=dost_admin, decision_number="45/QĐ-UBND", decided_on=date(2026, 3, 2))
    rows = OutboxRow.objects.filter(record_type=RecordType.PRODUCT, record_id=product.pk)
    assert list(rows.values_list("change", flat=True)) == ["ocop.recognise"]
