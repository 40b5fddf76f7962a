"""The event table is partitioned by month on PostgreSQL (migration 0011, docs/scale.md): ids
carry their month and are the partition key, so every foreign key still points at an event; the
global unique rules live in the key table and hold across partitions; append-only holds on
every partition; the daily task makes the coming months."""

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from txng.common.partitions import (
    ID_SERIAL_MAX,
    id_month,
    is_partitioned,
    month_first_id,
    months_after,
    partition_name,
    partitions,
)
from txng.tracing.models import Event, EventIdentifier, EventKey, EventLot
from txng.tracing.tasks import create_event_partitions, ensure_event_partitions

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's"),
]

TABLE = "tracing_event"


def _home(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM tracing_event WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _like(event, **changes):
    """An unsaved event like `event`, for a bulk insert (Event.save refuses a given id)."""
    fields = {f.attname: getattr(event, f.attname) for f in Event._meta.concrete_fields}
    fields.pop("id")
    return Event(**(fields | changes))


def _insert(event, **changes):
    with transaction.atomic():
        (row,) = Event.objects.bulk_create([_like(event, **changes)])
    return row


def _check_foreign_keys_now():
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _this_month():
    return timezone.localdate().replace(day=1)


def test_the_event_table_is_partitioned_by_id_with_this_and_next_month():
    assert is_partitioned(TABLE)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.partstrat, a.attname FROM pg_partitioned_table p JOIN pg_attribute a"
            " ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]"
            " WHERE p.partrelid = 'tracing_event'::regclass"
        )
        assert cursor.fetchone() == ("r", "id")
    names = {p["name"] for p in partitions(TABLE)}
    coming = {partition_name(TABLE, months_after(_this_month(), n)) for n in (0, 1)}
    assert coming <= names
    assert {"tracing_event_early", "tracing_event_default"} <= names


def test_an_event_recorded_now_lands_in_this_months_partition(lot):
    event = Event.objects.get(lot_rows__lot=lot)
    assert _home(event.pk) == partition_name(TABLE, timezone.localdate())
    assert id_month(event.pk) == _this_month()
    assert EventKey.objects.get(event=event).key == event.event_id


def test_a_bulk_insert_gets_this_months_ids_back(lot):
    event = Event.objects.get(lot_rows__lot=lot)
    rows = Event.objects.bulk_create([_like(event, event_id=f"bulk-{n}") for n in range(3)])
    ids = [row.pk for row in rows]
    assert ids == sorted(ids) and ids[0] > event.pk
    assert {id_month(pk) for pk in ids} == {_this_month()}
    assert set(EventKey.objects.filter(event__in=ids).values_list("key", flat=True)) == {
        "bulk-0",
        "bulk-1",
        "bulk-2",
    }


def test_the_daily_task_makes_the_coming_months_of_events_once():
    made = ensure_event_partitions(months_ahead=4)
    assert partition_name(TABLE, months_after(_this_month(), 4)) in made
    assert ensure_event_partitions(months_ahead=4) == []
    create_event_partitions.call()
    out = StringIO()
    call_command("ensure_partitions", stdout=out)
    assert TABLE not in out.getvalue()


def test_the_command_makes_next_months_event_partition_when_it_is_missing():
    name = partition_name(TABLE, months_after(_this_month(), 1))
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE tracing_event DETACH PARTITION "{name}"')
        cursor.execute(f'DROP TABLE "{name}"')
    out = StringIO()
    call_command("ensure_partitions", stdout=out)
    assert name in out.getvalue()
    assert name in {p["name"] for p in partitions(TABLE)}


def test_an_event_in_a_new_months_partition_is_append_only(lot):
    ensure_event_partitions(months_ahead=3)
    future = months_after(_this_month(), 3)
    event = _insert(
        Event.objects.get(lot_rows__lot=lot), id=month_first_id(future) + 1, event_id="later"
    )
    assert _home(event.pk) == partition_name(TABLE, future)
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(title="sửa")
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM tracing_event WHERE id = %s", [event.pk])
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        EventKey.objects.filter(event=event).update(key="free again")


def test_foreign_keys_reach_every_partition_and_refuse_a_dangling_event_id(lot):
    ensure_event_partitions(months_ahead=3)
    later = _insert(
        Event.objects.get(lot_rows__lot=lot),
        id=month_first_id(months_after(_this_month(), 3)) + 1,
        event_id="later",
    )
    with transaction.atomic():
        EventLot.objects.create(event=later, lot=lot)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    missing = month_first_id(_this_month()) + ID_SERIAL_MAX
    with pytest.raises(IntegrityError, match="tracing_event"), transaction.atomic():
        EventLot.objects.create(event_id=missing, lot=lot)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_an_event_id_is_captured_once_across_partitions(lot):
    event = Event.objects.get(lot_rows__lot=lot)
    ensure_event_partitions(months_ahead=2)
    early = _insert(event, id=7, event_id="recorded-long-ago")
    assert _home(early.pk) == "tracing_event_early"
    with pytest.raises(IntegrityError, match="event_captured_once"):
        _insert(event, event_id="recorded-long-ago")
    with pytest.raises(IntegrityError, match="event_captured_once"):
        _insert(
            event, id=month_first_id(months_after(_this_month(), 2)) + 1, event_id=event.event_id
        )


def test_an_event_is_declared_wrong_once_across_partitions(lot):
    event = Event.objects.get(lot_rows__lot=lot)
    ensure_event_partitions(months_ahead=2)
    # A declaration repeats the eventID of the event it declares wrong: that is allowed.
    _insert(event, declares_error_on_id=event.pk)
    with pytest.raises(IntegrityError, match="one_error_declaration"):
        _insert(
            event,
            id=month_first_id(months_after(_this_month(), 2)) + 1,
            declares_error_on_id=event.pk,
        )


def test_partitioning_keeps_the_events_a_database_already_had(lot, biz_owner):
    """The migration run on a table that already holds events and rows pointing at them: back to
    an ordinary table, events recorded there, then partitioned again."""
    migration = importlib.import_module("txng.tracing.migrations.0011_partition_events_by_month")
    checks = importlib.import_module("txng.tracing.migrations.0014_event_checks_per_statement")
    _check_foreign_keys_now()  # a migration runs in a transaction of its own
    with connection.schema_editor() as editor:
        checks.per_row(apps, editor)  # back to the triggers 0011 made
        migration.unpartition(apps, editor)
        editor.delete_model(EventKey)
    assert not is_partitioned(TABLE)
    template = Event.objects.get(lot_rows__lot=lot)
    fields = ("type", "title", "document", "business_id", "event_time")
    like = {field: getattr(template, field) for field in fields}
    old = Event.objects.create(**like, event_id="old-1")
    declaration = Event.objects.create(**like, event_id="old-1", declares_error_on=old)
    EventLot.objects.create(event=old, lot=lot)
    _check_foreign_keys_now()

    with connection.schema_editor() as editor:
        editor.create_model(EventKey)
        migration.partition(apps, editor)
        checks.per_statement(apps, editor)

    assert is_partitioned(TABLE)
    assert _home(old.pk) == _home(declaration.pk) == "tracing_event_early"
    assert Event.objects.get(pk=declaration.pk).declares_error_on_id == old.pk
    assert EventLot.objects.get(event=old).lot_id == lot.pk
    new = _insert(template, event_id="new-1")
    assert new.pk > declaration.pk
    assert _home(new.pk) == partition_name(TABLE, timezone.localdate())
    with pytest.raises(IntegrityError, match="event_captured_once"):
        _insert(template, event_id="old-1")
    with pytest.raises(IntegrityError, match="one_error_declaration"):
        _insert(template, event_id="old-1", declares_error_on_id=old.pk)
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        Event.objects.filter(pk=old.pk).update(title="sửa")
    with pytest.raises(IntegrityError, match="tracing_event"), transaction.atomic():
        EventLot.objects.create(event_id=new.pk + 1, lot=lot)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_a_purged_events_key_goes_with_it(lot):
    event = _insert(Event.objects.get(lot_rows__lot=lot), event_id="purged")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL txng.purge = 'on'")  # as purge_lot does, past retention
        cursor.execute("DELETE FROM tracing_event WHERE id = %s", [event.pk])
    assert not EventKey.objects.filter(key="purged").exists()


def test_django_resetting_sequences_leaves_the_month_serial_alone(lot):
    """What loaddata runs after loading rows with their ids."""
    from django.core.management.color import no_style

    before = Event.objects.get(lot_rows__lot=lot).pk
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Event]):
            cursor.execute(sql)
    after = _insert(Event.objects.get(pk=before), event_id="after-reset").pk
    assert after > before and id_month(after) == _this_month()


def test_a_month_whose_events_waited_in_the_default_partition_starts_after_them(lot):
    month = months_after(_this_month(), 1)
    name = partition_name(TABLE, month)
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE tracing_event DETACH PARTITION "{name}"')
        cursor.execute(f'DROP TABLE "{name}"')
    template = Event.objects.get(lot_rows__lot=lot)
    waiting = _insert(template, id=month_first_id(month) + 5, event_id="waited")
    assert _home(waiting.pk) == "tracing_event_default"

    assert ensure_event_partitions() == [name]

    assert _home(waiting.pk) == "tracing_event_default"  # kept, and still found
    later = _insert(template, id=month_first_id(month) + 6, event_id="in its month")
    assert _home(later.pk) == name


def test_identifier_rows_have_no_foreign_key_to_the_partitioned_event_table():
    """Its check cost each identifier row as much as the event's insert (docs/scale.md)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'f'"
            " AND conrelid = 'tracing_eventidentifier'::regclass"
        )
        assert cursor.fetchall() == []


def test_an_identifier_row_naming_no_event_is_refused(lot):
    event = Event.objects.get(lot_rows__lot=lot)
    with pytest.raises(IntegrityError, match="event 1 does not exist"), transaction.atomic():
        EventIdentifier.objects.bulk_create(
            [
                EventIdentifier(event_id=event.pk, role="epc", value="https://id.gs1.org/00/1"),
                EventIdentifier(event_id=1, role="epc", value="https://id.gs1.org/00/2"),
            ]
        )
    row = EventIdentifier.objects.filter(event=event).first()
    with pytest.raises(IntegrityError, match="does not exist"), transaction.atomic():
        EventIdentifier.objects.filter(pk=row.pk).update(event_id=event.pk + 1)
    EventIdentifier.objects.create(event=event, role="epc", value="https://id.gs1.org/00/3")


def test_a_purged_events_identifier_rows_go_with_it_even_without_djangos_cascade(lot):
    event = _insert(Event.objects.get(lot_rows__lot=lot), event_id="purged-with-rows")
    EventIdentifier.objects.create(event=event, role="epc", value="https://id.gs1.org/00/4")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL txng.purge = 'on'")
        cursor.execute("DELETE FROM tracing_event WHERE id = %s", [event.pk])
    assert not EventIdentifier.objects.filter(event_id=event.pk).exists()


def test_capture_looks_up_stored_event_ids_by_the_key_tables_index(lot):
    """Not a scan of the key table, nor of every month's eventID index."""
    from txng.tracing.events import STORED_KEYS_SQL, stored_event_ids

    event = Event.objects.get(lot_rows__lot=lot)
    assert stored_event_ids([event.event_id, "not-stored"]) == {event.event_id}
    # Some thousand keys, as in bench/epcis.py, where `key = ANY(array)` was planned as a scan.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tracing_eventkey (event_id, key) SELECT -i, 'k' || i"
            " FROM generate_series(1, 5000) AS i"
        )
        cursor.execute("ANALYZE tracing_eventkey")
        cursor.execute("EXPLAIN " + STORED_KEYS_SQL, [[f"k{i}" for i in range(500)]])
        plan = [line.strip() for (line,) in cursor.fetchall()]
    probe = next(line for line in plan if "tracing_eventkey" in line)
    assert probe.startswith("->  Index Only Scan using event_captured_once"), plan
    assert plan[0].startswith("Nested Loop"), plan
