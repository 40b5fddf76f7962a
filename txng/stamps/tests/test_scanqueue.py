"""The scan queue (scanqueue.py): scans written behind the page, in batches."""

import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from txng.stamps import scans
from txng.stamps.models import Scan, ScanResult, Signal, SignalKind, Stamp
from txng.stamps.public_views import location_scan_id
from txng.stamps.scanqueue import ScanQueue
from txng.stamps.tests.test_scan import scan, text


@pytest.fixture
def queue(settings, monkeypatch):
    """A queue that only a call to flush() writes."""
    settings.SCAN_FLUSH_SECONDS = 60
    q = ScanQueue(scans.write_scans, background=False)
    monkeypatch.setattr(scans, "queue", q)
    return q


def token_id(response):
    token = re.search(r'data-token="([^"]+)"', text(response)).group(1)
    return location_scan_id(token)


@pytest.mark.django_db
def test_scan_page_is_one_query_and_counts_the_scans_still_queued(client, stamps, queue):
    code = stamps[0].code
    first = scan(client, code)  # also reserves a block of ids
    assert "quét 1 lần" in text(first)
    ids = [token_id(first)]
    for n in range(2, 6):
        with CaptureQueriesContext(connection) as queries:
            page = scan(client, code)
        assert len(queries) == 1, [q["sql"] for q in queries]
        assert f"quét {n} lần" in text(page)
        ids.append(token_id(page))
    assert not Scan.objects.exists()  # nothing written yet
    assert queue.flush() == 5
    stamps[0].refresh_from_db()
    assert stamps[0].scan_count == 5
    written = Scan.objects.filter(stamp=stamps[0]).order_by("at")
    # The ids the pages handed out are the rows' ids; the time is the scan's, not the write's.
    assert sorted(written.values_list("id", flat=True)) == sorted(ids)
    assert stamps[0].first_scanned_at == written[0].at
    assert "quét 6 lần" in text(scan(client, code))  # stored 5 + this one queued


@pytest.mark.django_db
def test_a_batch_counts_every_stamp_and_logs_unknown_codes(client, stamps, queue, dost):
    for stamp in (stamps[0], stamps[0], stamps[2], stamps[1]):
        scan(client, stamp.code)
    code = stamps[3].code
    scan(client, code[:3] + ("1" if code[3] != "1" else "2") + code[4:])  # mistyped
    assert queue.flush() == 5
    counts = dict(Stamp.objects.values_list("code", "scan_count"))
    assert counts[stamps[0].code] == 2 and counts[stamps[2].code] == 1
    assert counts[stamps[1].code] == 1 and counts[stamps[3].code] == 0
    results = sorted(Scan.objects.values_list("result", flat=True))
    assert results == sorted(
        [ScanResult.OK] * 2 + [ScanResult.NOT_ACTIVATED, ScanResult.VOIDED, ScanResult.MISTYPED]
    )


@pytest.mark.django_db
def test_signals_are_raised_when_the_batch_is_written(client, stamps, queue, settings, dost):
    settings.STAMP_SCAN_THRESHOLD = 2
    settings.STAMP_REPEAT_THRESHOLD = 2
    for _ in range(3):
        scan(client, stamps[0].code)
        scan(client, stamps[1].code)  # voided
    assert not Signal.objects.exists()
    queue.flush()
    raised = set(Signal.objects.values_list("kind", "code"))
    assert raised == {
        (SignalKind.MANY_SCANS, stamps[0].code),
        (SignalKind.MANY_SCANS, stamps[1].code),
        (SignalKind.VOIDED_REPEATED, stamps[1].code),
    }


@pytest.mark.django_db
def test_a_failed_write_keeps_the_scans_for_the_next_try(client, stamps, queue, monkeypatch):
    scan(client, stamps[0].code)
    scan(client, stamps[0].code)

    def database_down(rows):
        raise RuntimeError("database restarting")

    monkeypatch.setattr(queue, "write", database_down)
    with pytest.raises(RuntimeError):
        queue.flush()
    assert "quét 3 lần" in text(scan(client, stamps[0].code))  # still counted on the page
    monkeypatch.setattr(queue, "write", scans.write_scans)
    assert queue.flush() == 3
    assert Stamp.objects.get(pk=stamps[0].pk).scan_count == 3


@pytest.mark.django_db
def test_a_full_queue_drops_its_oldest_scans(client, stamps, queue, settings, monkeypatch):
    settings.SCAN_QUEUE_MAX = 2
    for stamp in stamps[:3]:
        scan(client, stamp.code)
    monkeypatch.setattr(queue, "write", lambda rows: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        queue.flush()
    monkeypatch.setattr(queue, "write", scans.write_scans)
    assert queue.flush() == 2
    assert sorted(Scan.objects.values_list("code", flat=True)) == sorted(
        s.code for s in stamps[1:3]
    )
    assert dict(queue.queued) == {}


@pytest.mark.django_db
def test_a_forked_process_does_not_write_its_parents_scans(client, stamps, queue):
    scan(client, stamps[0].code)
    queue.pid = -1  # as if this process were a child forked after the scan was queued
    assert queue.flush() == 0 and not queue.queued


@pytest.mark.django_db
def test_sharing_a_location_writes_the_scan_if_it_is_still_queued(client, stamps, queue):
    response = scan(client, stamps[0].code)
    token = re.search(r'data-token="([^"]+)"', text(response)).group(1)
    posted = client.post(reverse("stamps:location"), {"token": token, "lat": 22.67, "lon": 106.26})
    assert posted.status_code == 204
    assert Scan.objects.get().province == "Cao Bằng"


@pytest.mark.django_db(transaction=True)
def test_the_thread_writes_the_queue_and_stop_writes_the_rest(client, stamps, settings):
    settings.SCAN_FLUSH_SECONDS = 0.05
    q = ScanQueue(scans.write_scans)
    scans_queue, scans.queue = scans.queue, q
    try:
        scan(client, stamps[0].code)
        deadline = time.monotonic() + 10
        while not Scan.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert Scan.objects.count() == 1 and q.thread.is_alive()
        settings.SCAN_FLUSH_SECONDS = 60  # the thread now sleeps: only stop() can write
        time.sleep(0.1)
        scan(client, stamps[0].code)
        q.stop()  # what atexit runs when the process ends normally
        assert Scan.objects.count() == 2 and not q.thread.is_alive()
        assert Stamp.objects.get(pk=stamps[0].pk).scan_count == 2
    finally:
        scans.queue = scans_queue


@pytest.mark.django_db
def test_writing_a_batch_twice_stores_and_counts_it_once(client, stamps, queue):
    # As when the database committed a batch but its answer was lost: the batch is retried.
    scan(client, stamps[0].code)
    scan(client, stamps[0].code)
    rows = list(queue.rows)
    queue.flush()
    scans.write_scans(rows)
    assert Scan.objects.count() == 2
    assert Stamp.objects.get(pk=stamps[0].pk).scan_count == 2


@pytest.mark.django_db
def test_a_stamp_deleted_before_the_write_does_not_block_the_batch(client, stamps, queue):
    scan(client, stamps[2].code)
    scan(client, stamps[0].code)
    Stamp.objects.filter(pk=stamps[2].pk).delete()
    assert queue.flush() == 2
    assert set(Scan.objects.values_list("code", "stamp_id")) == {
        (stamps[2].code, None),
        (stamps[0].code, stamps[0].pk),
    }
    assert Stamp.objects.get(pk=stamps[0].pk).scan_count == 1


@pytest.mark.django_db
def test_the_stamp_read_for_the_page_loads_its_other_fields_on_use(
    rf, stamps, lot, queue, django_assert_num_queries
):
    stamp, entry = scans.scan_code(rf.get("/"), stamps[0].code)
    with django_assert_num_queries(0):  # what the page shows came with the one read
        assert (stamp.lot.code, stamp.order.product.name) == (lot.code, lot.product.name)
        assert (entry.stamp_id, entry.code, entry.at is not None) == (
            stamp.pk,
            stamps[0].code,
            True,
        )
    assert stamp.get_deferred_fields() == {"activated_at", "void_reason"} and "business_id" in (
        stamp.lot.get_deferred_fields()
    )
    with django_assert_num_queries(1):
        assert stamp.lot.business_id == lot.business_id
    assert not stamp._state.adding and entry._state.adding
