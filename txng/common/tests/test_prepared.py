import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from txng.common.prepared import execute_prepared, execute_read

pytestmark = pytest.mark.django_db(transaction=True)

SQL = "SELECT %(a)s::int + %(b)s::int, %(a)s::int"


def run(a, b):
    with connection.cursor() as cursor:
        execute_prepared(cursor, "txng_test_sum", SQL, {"b": b, "a": a})
        return cursor.fetchone()


def test_prepares_once_per_connection_then_executes_by_name():
    connection.close()  # start on a connection that has not prepared it
    with CaptureQueriesContext(connection) as first:
        assert run(2, 3) == (5, 2)
    with CaptureQueriesContext(connection) as second:
        assert run(10, 1) == (11, 10)  # named parameters keep their meaning when reordered
    assert [q["sql"].split()[0] for q in first] == ["PREPARE", "EXECUTE"]
    assert [q["sql"].split()[0] for q in second] == ["EXECUTE"]


def test_a_new_connection_prepares_again():
    run(1, 1)
    connection.close()
    with CaptureQueriesContext(connection) as queries:
        assert run(4, 4) == (8, 4)
    assert queries[0]["sql"].startswith("PREPARE")


def test_can_be_turned_off_for_poolers(settings):
    settings.DB_PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as queries:
        assert run(2, 2) == (4, 2)
    assert len(queries) == 1 and queries[0]["sql"].startswith("SELECT")


def read(a, b):
    return execute_read("txng_test_sum", SQL, {"a": a, "b": b}, lambda cursor: cursor.fetchone())


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
    assert read(2, 3) == (5, 2)
    assert connection.health_check_done
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_healthy_kept_connection_costs_no_extra_query():
    read(1, 1)
    connection.health_check_enabled, connection.health_check_done = True, False
    with CaptureQueriesContext(connection) as queries:
        assert read(2, 2) == (4, 2)
    assert [q["sql"].split()[0] for q in queries] == ["EXECUTE"]
