"""The scan page's one statement: what it reads agrees with find_stamp, what it writes with
log_scan, and a scan costs one round trip to the database beside the cache reads."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from txng.stamps import scans
from txng.stamps.lookup import find_stamp
from txng.stamps.models import Scan, ScanResult, Signal, SignalKind, Stamp
from txng.tracing import actions as tracing_actions

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 Chrome/126.0 Mobile"


def phone_request(code, ip="203.0.113.5"):
    path = reverse("stamps:scan", args=[code])
    return RequestFactory().get(path, HTTP_USER_AGENT=PHONE, REMOTE_ADDR=ip)


def visible(stamp):
    """What the scan page reads of a stamp (its columns, lot, open recall, flag)."""
    lot = stamp.lot
    return {
        **{name: getattr(stamp, name) for name in scans.STAMP_COLUMNS},
        "lot": lot and (lot.pk, lot.code, lot.production_date, lot.expiry_date, lot.trace_code),
        "recall": (stamp.recall_id, stamp.recall_reason),
        "flagged": stamp.flagged,
    }


def test_the_statement_reads_every_column_of_a_stamp():
    columns = {field.attname for field in Stamp._meta.get_fields() if field.concrete}
    assert set(scans.STAMP_COLUMNS) == columns


@pytest.mark.parametrize("which", [0, 1, 2])  # activated on a lot, voided, printed
def test_the_statement_returns_the_stamp_as_find_stamp_reads_it_counted_once_more(
    stamps, lot, biz_owner, which
):
    tracing_actions.recall_lots([lot], actor=biz_owner, reason="Nhiễm nấm mốc")
    Signal.objects.create(kind=SignalKind.MANY_SCANS, code=stamps[0].code, detail="x")
    code = stamps[which].code
    before = visible(find_stamp(code))
    stamp, entry = scans.record_scan(phone_request(code), code)
    after = visible(find_stamp(code))
    assert after["scan_count"] == before["scan_count"] + 1 and after["first_scanned_at"]
    assert visible(stamp) == after
    if which == 0:
        assert after["recall"][1] == "Nhiễm nấm mốc" and after["flagged"] and after["lot"]
    stored = Scan.objects.get(pk=entry.pk)
    assert (stored.stamp_id, stored.counted, stored.ip_hash) == (stamp.pk, True, entry_hash())
    assert stored.business_id == stamps[which].order.business_id
    assert stored.product_id == stamps[which].order.product_id
    assert stored.result == scans.RESULT_BY_STATE[stamps[which].state] == entry.result


def entry_hash():
    return scans.hash_ip("203.0.113.5")


def test_the_statement_and_the_orm_path_store_the_same_scans(stamps, settings):
    """log_scan (the ORM path: SQLite, the GS1 Digital Link page) and the statement agree on
    each field, repeats within the window included."""
    settings.SCAN_REPEAT_WINDOW_SECONDS = 600
    fields = ["code", "stamp_id", "business_id", "product_id", "result", "ip_hash"]
    fields += ["ua_family", "province", "counted", "latitude", "longitude"]

    def run(record):
        Scan.objects.all().delete()
        Stamp.objects.update(scan_count=0, first_scanned_at=None)
        for code, ip in [(stamps[0].code, "1.1.1.1"), (stamps[0].code, "1.1.1.1")] + [
            (stamps[0].code, "2.2.2.2"),
            (stamps[1].code, "1.1.1.1"),
            ("KHONGCOMATNAY00", "1.1.1.1"),
        ]:
            record(phone_request(code, ip), code)
        rows = list(Scan.objects.order_by("pk").values(*fields))
        return rows, list(Stamp.objects.order_by("pk").values_list("scan_count", flat=True))

    def orm(request, code):
        scans.log_scan(request, code, find_stamp(code))

    assert run(scans.record_scan) == run(orm)
    rows, counts = run(scans.record_scan)
    assert [row["counted"] for row in rows] == [True, False, True, True, True]
    assert rows[-1]["result"] == ScanResult.UNKNOWN and rows[-1]["stamp_id"] is None
    assert counts[:2] == [2, 1]


def test_a_mistyped_code_is_stored_as_mistyped(client, stamps):
    client.get(reverse("stamps:scan", args=[stamps[0].code[:-2]]), HTTP_USER_AGENT=PHONE)
    assert Scan.objects.get().result == ScanResult.MISTYPED


def test_a_scan_is_one_round_trip_to_the_database_besides_the_cache(client, stamps):
    url = reverse("stamps:scan", args=[stamps[0].code])
    for ip in ("203.0.113.1", "203.0.113.2"):  # fills the frame cache ("scanned before")
        client.get(url, HTTP_USER_AGENT=PHONE, REMOTE_ADDR=ip)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, HTTP_USER_AGENT=PHONE, REMOTE_ADDR="203.0.113.3")
    assert "quét 3 lần" in page.content.decode()
    own = [q["sql"] for q in queries if "stamps_" in q["sql"] or "tracing_" in q["sql"]]
    assert len(own) == 1 and "INSERT INTO stamps_scan" in own[0]
    # The test run's cache is the database cache: its one read (the frame with the current
    # versions) is a query too, and nothing else is.
    assert len(queries) - len(own) == 1
