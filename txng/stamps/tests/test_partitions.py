"""The scan log is partitioned by month on PostgreSQL: scans land in their month's table, the
scan page's one statement still records them, and the task makes the coming months, moving any
scan that waited in the default partition into its month."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from txng.common.partitions import is_partitioned, months_after, partition_name, partitions
from txng.stamps import scans
from txng.stamps.models import Scan, ScanResult
from txng.stamps.tasks import create_scan_partitions, ensure_scan_partitions
from txng.stamps.tests.test_record_scan import phone_request

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's"),
]


def _home(scan_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM stamps_scan WHERE id = %s", [scan_id])
        return cursor.fetchone()[0]


def _in_months(months):
    day = timezone.localdate().replace(day=1)
    for _month in range(months):
        day = (day + timedelta(days=32)).replace(day=1)
    return day


def test_the_scan_log_is_partitioned_with_this_and_next_month():
    assert is_partitioned("stamps_scan")
    names = {p["name"] for p in partitions("stamps_scan")}
    assert partition_name("stamps_scan", timezone.localdate()) in names
    assert partition_name("stamps_scan", _in_months(1)) in names
    assert "stamps_scan_default" in names


def test_a_consumer_scan_is_recorded_in_this_months_partition(stamps):
    stamp, scan = scans.record_scan(phone_request(stamps[0].code), stamps[0].code)
    assert scan.result == ScanResult.OK
    assert _home(scan.pk) == partition_name("stamps_scan", timezone.localdate())
    stamp.refresh_from_db()
    assert stamp.scan_count == 1


def test_making_a_month_moves_its_waiting_scans_out_of_the_default_partition():
    later = timezone.now() + timedelta(days=100)
    waiting = Scan.objects.create(code="X1", result=ScanResult.UNKNOWN, at=later)
    assert _home(waiting.pk) == "stamps_scan_default"

    made = ensure_scan_partitions(months_ahead=4)

    month = timezone.localtime(later).date()
    assert partition_name("stamps_scan", month) in made
    assert _home(waiting.pk) == partition_name("stamps_scan", month)
    assert Scan.objects.get(pk=waiting.pk).code == "X1"


def test_the_task_makes_the_coming_months_once():
    create_scan_partitions.call()
    names = {p["name"] for p in partitions("stamps_scan")}
    assert partition_name("stamps_scan", _in_months(2)) in names
    assert ensure_scan_partitions() == []


def test_event_months_are_made_even_when_the_scan_log_step_fails(monkeypatch):
    from txng.stamps.management.commands import ensure_partitions

    table = "tracing_event"
    name = partition_name(table, months_after(timezone.localdate().replace(day=1), 1))
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE tracing_event DETACH PARTITION "{name}"')
        cursor.execute(f'DROP TABLE "{name}"')

    def broken():
        raise RuntimeError("scan log locked")

    monkeypatch.setattr(ensure_partitions, "ensure_scan_partitions", broken)
    out = StringIO()
    with pytest.raises(CommandError, match="scan log locked"):  # the daily timer sees a failure
        call_command("ensure_partitions", stdout=out)
    assert name in out.getvalue()
    assert name in {p["name"] for p in partitions(table)}
