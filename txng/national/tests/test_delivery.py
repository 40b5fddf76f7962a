"""Delivery through each adapter against the hub emulator: mapping, auth refresh, retries,
circuit breaker, dead letters and replay, order per record."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from txng.catalog.models import Product
from txng.national import deliver
from txng.national.actions import mark_uploaded, replay
from txng.national.adapters import for_hub
from txng.national.models import Hub, OutboxRow, RecordType, SyncState
from txng.national.outbox import enqueue
from txng.tracing import actions as tracing

pytestmark = pytest.mark.django_db


def _states(hub):
    return list(OutboxRow.objects.filter(hub=hub).order_by("pk").values_list("state", flat=True))


def test_nbc_product_mapping_uses_the_portal_field_names(nbc, product, certificate):
    row = enqueue(nbc, RecordType.PRODUCT, product.pk)
    payload = for_hub(nbc).payload(row)
    assert payload["gtinCode"] == "8930000000019"
    assert payload["ten"] == "Hạt dẻ Trùng Khánh"
    assert payload["donViTinh"] == "kg"
    assert payload["xuatXu"] == "Trùng Khánh, Cao Bằng"
    assert payload["moTa"] == "Hạt dẻ rang"
    assert payload["trangThai"] == 1
    assert payload["maSoThue"] == product.business.tax_code
    assert payload["chungNhan"][0]["so"] == "HQ-01/2026"


def test_nbc_chain_mapping_keys_the_chain_by_trace_code_with_stage_events(nbc, lot, biz_owner):
    tracing.add_diary_entry(lot, actor=biz_owner, stage_kind="packing")
    payload = for_hub(nbc).payload(OutboxRow.objects.get(hub=nbc, seq=2))
    assert payload["traceCode"] == lot.trace_code
    assert payload["soLo"] == "HD-01"
    assert payload["hanSuDung"] == "2026-12-31"
    assert [e["congDoan"] for e in payload["suKien"]] == ["cheBien"]


def test_nbc_delivery_gets_a_token_and_sends_the_idempotency_key(nbc, lot, hub_emulator):
    assert deliver.run_once() == 1
    row = OutboxRow.objects.get(hub=nbc)
    assert row.state == SyncState.ACCEPTED and row.accepted_at and row.hub_ref
    got = hub_emulator.received()
    assert [d["key"] for d in got["deliveries"]] == [row.idempotency_key]
    assert got["deliveries"][0]["path"] == "/nbc/chuoi/v5/ChuoiSanXuat"
    assert got["token_requests"] == 1


def test_an_expired_token_is_refreshed_and_the_row_still_delivered(
    nbc, lot, biz_owner, hub_emulator
):
    deliver.run_once()
    hub_emulator.control(expire_tokens=True)  # the portal ends the session early
    tracing.finish_lot(lot, actor=biz_owner)
    deliver.run_once()
    assert _states(nbc) == [SyncState.ACCEPTED, SyncState.ACCEPTED]
    assert hub_emulator.received()["token_requests"] == 2


def test_a_refusal_keeps_the_hubs_message(nbc, lot, hub_emulator):
    hub_emulator.control(mode="refuse")
    deliver.run_once()
    row = OutboxRow.objects.get(hub=nbc)
    assert row.state == SyncState.REFUSED
    assert "GTIN CheckDigit" in row.hub_message and "ERR_VALIDATION" in row.hub_message


def test_epcis_capture_sends_the_stored_events_and_follows_the_capture_job(
    epcis_hub, lot, hub_emulator
):
    hub_emulator.control(jobs_running=True)
    deliver.run_once()
    row = OutboxRow.objects.get(hub=epcis_hub)
    assert row.state == SyncState.SENT and row.sent_at and not row.accepted_at
    body = hub_emulator.received()["deliveries"][0]["body"]
    assert body["type"] == "EPCISDocument"
    assert body["epcisBody"]["eventList"] == [e.document for e in lot.events.all()]
    deliver.run_once()
    assert OutboxRow.objects.get(pk=row.pk).state == SyncState.SENT  # job still running
    hub_emulator.control(jobs_running=False)
    deliver.run_once()
    assert OutboxRow.objects.get(pk=row.pk).state == SyncState.ACCEPTED


def test_epcis_hub_takes_only_lots(epcis_hub, dost_admin, product):
    from txng.catalog import actions as catalog_actions

    catalog_actions.take_down_product(product, actor=dost_admin, reason="Sai thông tin")
    assert not OutboxRow.objects.filter(hub=epcis_hub).exists()


def test_file_export_writes_one_file_per_key_and_dost_confirms_the_upload(
    file_hub, lot, dost_admin, tmp_path
):
    deliver.run_once()
    row = OutboxRow.objects.get(hub=file_hub)
    assert row.state == SyncState.SENT
    written = tmp_path / "tay" / f"{row.idempotency_key}.json"
    assert json.loads(written.read_text())["type"] == "EPCISDocument"
    mark_uploaded(row, actor=dost_admin)
    assert OutboxRow.objects.get(pk=row.pk).state == SyncState.ACCEPTED


def test_backoff_doubles_with_jitter_up_to_the_cap(settings):
    settings.NATIONAL_RETRY_BASE = 10
    settings.NATIONAL_RETRY_CAP = 100
    for attempts, upper in [(1, 10), (2, 20), (3, 40), (4, 80), (9, 100)]:
        waits = {deliver.backoff(attempts) for _ in range(20)}
        assert all(upper / 2 <= w <= upper for w in waits)
        assert len(waits) > 1  # jitter: not all the same


def test_a_failure_retries_later_and_then_succeeds(nbc, lot, hub_emulator, settings):
    settings.NATIONAL_RETRY_BASE = 60
    hub_emulator.control(fail_next=1)
    before = timezone.now()
    deliver.run_once()
    row = OutboxRow.objects.get(hub=nbc)
    assert row.state == SyncState.WAITING and row.attempts == 1
    assert before + timedelta(seconds=29) < row.next_attempt_at < before + timedelta(seconds=61)
    assert deliver.run_once() == 0  # not due yet
    OutboxRow.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    deliver.run_once()
    assert OutboxRow.objects.get(pk=row.pk).state == SyncState.ACCEPTED


def test_the_breaker_stops_a_failing_hub_and_a_probe_resumes_it(nbc, product, hub_emulator):
    nbc.breaker_threshold = 2
    nbc.save()
    for n in range(3):  # three records, so no row waits behind another of its own record
        other = Product.objects.create(business=product.business, name=f"Sản phẩm {n}")
        enqueue(nbc, RecordType.PRODUCT, other.pk)
    hub_emulator.control(mode="fail")
    deliver.run_once()
    nbc.refresh_from_db()
    assert nbc.open_until and nbc.open_until > timezone.now()
    assert OutboxRow.objects.filter(hub=nbc, attempts=1).count() == 2  # the third waits
    hub_emulator.control(mode="accept")
    assert deliver.run_once() == 0  # still open: nothing is tried
    Hub.objects.filter(pk=nbc.pk).update(open_until=timezone.now() - timedelta(seconds=1))
    OutboxRow.objects.update(next_attempt_at=timezone.now())
    deliver.run_once()
    nbc.refresh_from_db()
    assert nbc.open_until is None and nbc.failures == 0 and nbc.last_success_at
    assert _states(nbc) == [SyncState.ACCEPTED] * 3


def test_only_one_process_probes_a_hub_whose_breaker_has_run_out(nbc):
    past = timezone.now() - timedelta(seconds=1)
    Hub.objects.filter(pk=nbc.pk).update(open_until=past)
    first, second = Hub.objects.get(pk=nbc.pk), Hub.objects.get(pk=nbc.pk)
    now = timezone.now()
    assert deliver.may_send(first, now) is True
    assert deliver.may_send(second, now) is False


def test_a_row_that_keeps_failing_goes_dead_blocks_its_record_and_dost_fixes_and_replays_it(
    nbc, lot, biz_owner, dost_admin, hub_emulator
):
    nbc.max_attempts, nbc.breaker_threshold = 2, 100
    nbc.save()
    hub_emulator.control(mode="fail")
    deliver.run_once()
    deliver.run_once()
    first = OutboxRow.objects.get(hub=nbc, seq=1)
    assert first.state == SyncState.DEAD and "503" in first.hub_message
    hub_emulator.control(mode="accept")
    tracing.finish_lot(lot, actor=biz_owner)
    deliver.run_once()
    assert OutboxRow.objects.get(hub=nbc, seq=2).state == SyncState.WAITING  # waits its turn
    assert hub_emulator.received()["deliveries"] == []
    replay(first, actor=dost_admin, payload={"traceCode": lot.trace_code, "ghiChu": "đã sửa"})
    deliver.run_once()
    assert _states(nbc) == [SyncState.ACCEPTED, SyncState.ACCEPTED]
    got = hub_emulator.received()["deliveries"]
    assert got[0]["body"]["ghiChu"] == "đã sửa"
    assert [d["key"] for d in got] == [first.idempotency_key, f"txng-nbc-lot-{lot.pk}-2"]


def test_replay_is_for_dost_and_only_for_stuck_rows(nbc, lot, dost_admin, dept_officer):
    from django.core.exceptions import PermissionDenied, ValidationError

    row = OutboxRow.objects.get(hub=nbc)
    with pytest.raises(PermissionDenied):
        replay(row, actor=dept_officer)
    with pytest.raises(ValidationError):
        replay(row, actor=dost_admin)  # waiting: nothing to replay


def test_the_worker_task_delivers_and_comes_back_for_what_waits(nbc, lot, hub_emulator, settings):
    from django_tasks_db.models import DBTaskResult

    from txng.national.tasks import deliver_due

    settings.NATIONAL_RETRY_BASE = 60
    hub_emulator.control(fail_next=1)
    deliver_due.call()
    row = OutboxRow.objects.get(hub=nbc)
    assert row.state == SyncState.WAITING
    queued = DBTaskResult.objects.filter(task_path__endswith="deliver_due", status="READY")
    assert [t.run_after for t in queued if t.run_after >= row.next_attempt_at] != []
    OutboxRow.objects.update(next_attempt_at=timezone.now())
    deliver_due.call()
    assert OutboxRow.objects.get(pk=row.pk).state == SyncState.ACCEPTED


def test_a_pass_that_sends_nothing_does_not_bring_the_task_straight_back(nbc, lot):
    """A row behind a dead letter is due but cannot go: the task must not spin on it (the
    production check's worker ran it 1,717 times in 30 s and starved every other task)."""
    from django_tasks_db.models import DBTaskResult

    from txng.national.tasks import IDLE_SECONDS, deliver_due

    OutboxRow.objects.all().delete()
    dead = enqueue(nbc, "lot", lot.pk, label="lô")
    OutboxRow.objects.filter(pk=dead.pk).update(state=SyncState.DEAD)
    enqueue(nbc, "lot", lot.pk, label="lô")
    OutboxRow.objects.update(next_attempt_at=timezone.now())
    DBTaskResult.objects.all().delete()
    before = timezone.now()
    deliver_due.call()
    queued = DBTaskResult.objects.filter(task_path__endswith="deliver_due", status="READY")
    assert queued.count() == 1
    assert queued.get().run_after >= before + timedelta(seconds=IDLE_SECONDS - 1)
