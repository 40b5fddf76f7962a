"""The event table's references and key rows are kept once per statement on PostgreSQL
(tracing 0014, eventtable.py), and hold as the foreign keys they replace did: an event naming a
row that does not exist is refused, however it is written (ORM, COPY, straight into a
partition); a row that events name cannot be deleted; a COPY of many events checks each
referenced row once."""

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from txng.accounts.models import Organisation, OrgKind, User
from txng.common.partitions import months_after, partition_name
from txng.tracing import events as tracing_events
from txng.tracing.models import Event, EventKey
from txng.tracing.tasks import ensure_event_partitions
from txng.tracing.tests.test_event_partitions import _insert, _this_month

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="triggers are PostgreSQL's"),
]


@pytest.fixture
def event(lot):
    return Event.objects.get(lot_rows__lot=lot)


def _items(first, count):
    document = {
        "type": "ObjectEvent",
        "eventTime": "2026-03-01T08:00:00.000+07:00",
        "eventTimeZoneOffset": "+07:00",
        "action": "OBSERVE",
        "epcList": ["urn:epc:id:sgtin:0614141.107346.1"],
    }
    return [(dict(document), f"urn:uuid:checks-{n}", "EPCIS") for n in range(first, first + count)]


@pytest.mark.parametrize(
    ("column", "missing"),
    [
        ("business_id", 987654),
        ("facility_id", 987654),
        ("recorded_by_id", 987654),
        ("declares_error_on_id", 987654),
    ],
)
def test_an_event_naming_a_row_that_does_not_exist_is_refused(event, column, missing):
    with pytest.raises(IntegrityError, match=f"{column} = {missing} is not in"):
        _insert(event, event_id="dangling", **{column: missing})
    assert not EventKey.objects.filter(key="dangling").exists()


def test_a_copy_of_many_events_is_refused_whole_when_its_business_does_not_exist(business):
    ghost = Organisation(pk=987654, kind=OrgKind.BUSINESS, name="không có")
    with pytest.raises(IntegrityError, match="business_id = 987654"), transaction.atomic():
        tracing_events.capture_new(_items(0, 50), business=ghost)
    assert tracing_events.capture_new(_items(0, 50), business=business)  # the same, once it exists
    assert Event.objects.filter(event_id__startswith="urn:uuid:checks-").count() == 50
    assert EventKey.objects.filter(key__startswith="urn:uuid:checks-").count() == 50


def test_a_copy_locks_each_row_it_names_once_as_a_foreign_key_would(business, biz_owner):
    """Locked FOR KEY SHARE: another transaction deleting the business must wait (here: fails
    at once, NOWAIT) until the capture's transaction ends."""
    with transaction.atomic():
        tracing_events.capture_new(_items(100, 20), business=business, actor=biz_owner)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                " WHERE l.pid = pg_backend_pid() AND c.relname = 'accounts_organisation'"
                " AND l.mode = 'RowShareLock'"
            )
            assert cursor.fetchone()[0] == 1


def test_an_organisation_that_events_name_cannot_be_deleted_in_the_database(event):
    business = Organisation.objects.create(
        kind=OrgKind.BUSINESS, name="HTX chỉ có sự kiện", business_type="cooperative"
    )
    _insert(event, event_id="of-it", business_id=business.pk)
    refused = pytest.raises(IntegrityError, match="still named by event")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_organisation WHERE id = %s", [business.pk])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checked at commit otherwise
    assert Organisation.objects.filter(pk=business.pk).exists()


def test_a_user_who_recorded_events_cannot_be_deleted_in_the_database(event, business):
    clerk = User.objects.create(username="ghi-chep", organisation=business, role="staff")
    _insert(event, event_id="by-clerk", recorded_by_id=clerk.pk)
    refused = pytest.raises(IntegrityError, match="recorded_by_id")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_user WHERE id = %s", [clerk.pk])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    unnamed = User.objects.create(username="chua-ghi", organisation=business, role="staff")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_user WHERE id = %s", [unnamed.pk])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert not User.objects.filter(pk=unnamed.pk).exists()


def test_an_event_may_go_before_the_declaration_naming_it_in_one_transaction(event):
    """As with the deferred foreign key: purge_lot deletes events in batches, in any order."""
    declaration = _insert(event, event_id=event.event_id, declares_error_on_id=event.pk)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL txng.purge = 'on'")
        cursor.execute("DELETE FROM tracing_eventlot WHERE event_id = %s", [event.pk])
        cursor.execute("DELETE FROM tracing_event WHERE id = %s", [event.pk])
        cursor.execute("DELETE FROM tracing_event WHERE id = %s", [declaration.pk])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert not Event.objects.filter(pk__in=[event.pk, declaration.pk]).exists()
    other = _insert(declaration, event_id="other", declares_error_on_id=None)
    named = _insert(other, event_id="other", declares_error_on_id=other.pk)
    kept = pytest.raises(IntegrityError, match="declares_error_on_id")
    with kept, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL txng.purge = 'on'")
        cursor.execute("DELETE FROM tracing_event WHERE id = %s", [other.pk])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert Event.objects.filter(pk=named.pk).exists()


def test_a_row_written_straight_into_a_partition_is_keyed_and_checked(event):
    partition = partition_name("tracing_event", _this_month())
    columns = "event_id, type, action, biz_step, disposition, event_time, title, document"
    copied = f"{columns}, business_id"
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{partition}" (id, {copied}, event_time_zone_offset, record_time,'  # noqa: S608
            " read_point, biz_location, public_detail)"
            f" SELECT tracing_event_next_id(), 'straight', type, action, biz_step, disposition,"
            " event_time, title, document, business_id, event_time_zone_offset, record_time,"
            " read_point, biz_location, public_detail FROM tracing_event WHERE id = %s",
            [event.pk],
        )
    assert EventKey.objects.filter(key="straight").count() == 1
    refused = pytest.raises(IntegrityError, match="business_id")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{partition}" (id, {copied}, event_time_zone_offset, record_time,'  # noqa: S608
            " read_point, biz_location, public_detail)"
            f" SELECT tracing_event_next_id(), 'straight-2', type, action, biz_step,"
            " disposition, event_time, title, document, 987654, event_time_zone_offset,"
            " record_time, read_point, biz_location, public_detail FROM tracing_event"
            " WHERE id = %s",
            [event.pk],
        )


def test_a_new_months_partition_gets_the_statement_trigger():
    name = partition_name("tracing_event", months_after(_this_month(), 1))
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE tracing_event DETACH PARTITION "{name}"')
        cursor.execute(f'DROP TABLE "{name}"')
    assert ensure_event_partitions() == [name]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass"
            " AND tgname = 'tracing_event_inserted'",
            [name],
        )
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db(transaction=True)
def test_a_delete_under_repeatable_read_is_refused_since_its_check_cannot_see_new_events(
    business,
):
    """A foreign key's check looks past the snapshot; the trigger's look-up cannot, so it would
    miss an event another transaction committed after the snapshot: it refuses instead."""
    clerk = User.objects.create(username="rr", organisation=business, role="staff")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("DELETE FROM accounts_user WHERE id = %s", [clerk.pk])
        with pytest.raises(OperationalError, match="READ COMMITTED"):
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert User.objects.filter(pk=clerk.pk).exists()
