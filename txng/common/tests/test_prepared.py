import contextlib
import datetime

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from txng.common.prepared import fetch_bound, fetch_rows

pytestmark = pytest.mark.django_db(transaction=True)

SQL = "SELECT %(a)s::int + %(b)s::int, %(a)s::int"


def read(a, b):
    return fetch_rows("txng_test_sum", SQL, {"b": b, "a": a})


def statements(queries):
    return [q["sql"].split()[0] for q in queries]


def test_prepares_once_per_connection_then_executes_by_name():
    connection.close()  # start on a connection that has not prepared it
    with CaptureQueriesContext(connection) as first:
        assert read(2, 3) == [(5, 2)]
    with CaptureQueriesContext(connection) as second:
        assert read(10, 1) == [(11, 10)]  # named parameters keep their meaning when reordered
    assert statements(first) == ["PREPARE", "EXECUTE"]
    assert statements(second) == ["EXECUTE"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE NOT from_sql")
        assert ("txng_test_sum",) in cursor.fetchall()


def test_a_new_connection_prepares_again():
    read(1, 1)
    connection.close()
    with CaptureQueriesContext(connection) as queries:
        assert read(4, 4) == [(8, 4)]
    assert statements(queries) == ["PREPARE", "EXECUTE"]


def test_can_be_turned_off_for_poolers(settings):
    settings.DB_PREPARED_STATEMENTS = False
    connection.close()
    with CaptureQueriesContext(connection) as queries:
        assert read(2, 2) == [(4, 2)]
    assert len(queries) == 1 and queries[0]["sql"].startswith("SELECT")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone() == (0,)


def test_rows_come_back_typed_as_from_a_cursor():
    sql = (
        "SELECT %(code)s::text, DATE '2026-09-01', TIMESTAMPTZ '2026-09-01 07:00+07', NULL::int "
        "FROM generate_series(1, %(n)s)"
    )
    rows = fetch_rows("txng_test_types", sql, {"code": "Hạt dẻ", "n": 2})
    with connection.cursor() as cursor:
        cursor.execute(sql, {"code": "Hạt dẻ", "n": 2})
        assert rows == cursor.fetchall()
    code, day, at, nothing = rows[0]
    assert (code, day, nothing) == ("Hạt dẻ", datetime.date(2026, 9, 1), None)
    assert at == datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC)
    assert at.utcoffset() == datetime.timedelta(0)
    assert fetch_rows("txng_test_types", sql, {"code": "x", "n": 0}) == []


def test_a_failing_statement_raises_djangos_error_and_the_connection_stays_usable():
    with pytest.raises(DatabaseError, match="division by zero"):
        fetch_rows("txng_test_div", "SELECT 1 / %(n)s::int", {"n": 0})
    assert fetch_rows("txng_test_div", "SELECT 1 / %(n)s::int", {"n": 1}) == [(1,)]


def test_parameters_other_than_text_and_numbers_are_refused():
    with pytest.raises(TypeError):
        fetch_rows("txng_test_sum", SQL, {"a": 1.5, "b": 1})


@contextlib.contextmanager
def wrapped_queries():
    """A query wrapper (as tracing tools install) in place; yields the statements it saw."""
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


def test_query_wrappers_see_the_statement():
    with wrapped_queries() as seen:
        assert read(2, 5) == [(7, 2)]
    assert seen == [SQL]


def kill_backend(pid):
    import psycopg

    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_read_on_a_dead_kept_connection_reconnects_without_a_health_check_query():
    connection.close()
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    kill_backend(pid)  # the database restarted while the connection was kept
    connection.health_check_enabled, connection.health_check_done = True, False  # a new request
    assert read(2, 3) == [(5, 2)]
    assert connection.health_check_done
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_dead_connection_in_the_middle_of_a_request_is_an_error_not_a_retry():
    read(1, 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    kill_backend(pid)
    connection.health_check_enabled, connection.health_check_done = True, True  # already checked
    with pytest.raises(DatabaseError):
        read(2, 3)
    connection.close()  # what the end of the request does with a connection that failed


def test_a_healthy_kept_connection_costs_no_extra_query():
    read(1, 1)
    connection.health_check_enabled, connection.health_check_done = True, False
    with CaptureQueriesContext(connection) as queries:
        assert read(2, 2) == [(4, 2)]
    assert statements(queries) == ["EXECUTE"]


BOUND = "SELECT n, t FROM unnest(%b::bigint[], %b::text[]) AS u(n, t) ORDER BY n"


def test_bound_parameters_go_apart_in_binary_and_count_as_a_query():
    values = [[3, 1, 2], ["ba", "một", "hai 'x' %s"]]
    with CaptureQueriesContext(connection) as queries:
        assert fetch_bound(BOUND, values) == [(1, "một"), (2, "hai 'x' %s"), (3, "ba")]
    assert len(queries) == 1 and "unnest" in queries[0]["sql"]


def test_bound_parameters_still_reach_query_wrappers():
    with wrapped_queries() as seen:
        assert fetch_bound(BOUND, [[2, 1], ["hai", "một"]]) == [(1, "một"), (2, "hai")]
    assert seen and "%b" not in seen[0]
