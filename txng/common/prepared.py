"""Reading rows for the few statements that run on every request of a hot page (PostgreSQL).

A Django query goes through Django's cursor wrapper and a psycopg cursor: parameters quoted in
Python, then a wait loop in Python around the round trip. For the one statement of the consumer
scan page that costs more Python time than the database spends on it (about 100 µs against
40 µs here). `fetch_rows` hands the statement to libpq through psycopg's `pgconn`: PREPAREd
once per connection, then executed by name with its parameters as text. The rows come back in
binary and are converted by psycopg's own loaders, so they are what any cursor would return.
Behind a pooler in transaction mode (PgBouncer before 1.21) session state is not kept: set
DB_PREPARED_STATEMENTS=0 there and each call sends the statement whole.

The query still counts as one (it is added to `connection.queries` when those are recorded,
so assertNumQueries sees it), and when something is wrapping the connection's queries
(`connection.execute_wrapper`, used by tracing tools) the statement runs through a normal
cursor for them to see.
"""

import functools
import re
import time
import weakref

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from psycopg import pq
from psycopg.adapt import Transformer

_PARAM = re.compile(r"%\((\w+)\)s")
_kept = weakref.WeakKeyDictionary()  # psycopg connection -> (names prepared on it, Transformer)
BINARY = pq.Format.BINARY  # rows in binary: psycopg's loaders for it are the cheaper ones


@functools.cache
def _positional(sql):
    """`%(name)s` placeholders as $1, $2, ... and the names in that order."""
    names = []

    def number(match):
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return _PARAM.sub(number, sql), tuple(names)


def _as_text(value):
    if value is None:
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise TypeError(f"fetch_rows takes str and int parameters, not {type(value).__name__}")
    return str(value).encode()


def _check(conn, result):
    """Raise the psycopg error that a cursor would raise for `result`."""
    if result.status in (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK):
        return
    if conn.pgconn.status == pq.ConnStatus.BAD:
        raise psycopg.OperationalError(result.get_error_message())
    raise psycopg.errors.error_from_result(result, encoding=conn.info.encoding)


def _log(db, sql, started):
    if db.queries_logged:
        db.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})


def _ready(db):
    db.validate_thread_sharing()
    db.validate_no_broken_transaction()
    db.ensure_connection()


def _wrapped(db, sql, params):
    """The rows through a normal cursor, when something wraps the connection's queries."""
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _fetch(db, name, sql, params):
    _ready(db)
    if db.execute_wrappers:
        return _wrapped(db, sql, params)
    body, names = _positional(sql)
    values = [_as_text(params[n]) for n in names]
    conn = db.connection
    if conn not in _kept:
        _kept[conn] = (set(), Transformer(conn))
    prepared, transformer = _kept[conn]
    started = time.monotonic()
    with db.wrap_database_errors:
        if not settings.DB_PREPARED_STATEMENTS:
            result = conn.pgconn.exec_params(body.encode(), values, result_format=BINARY)
            _check(conn, result)
            _log(db, body, started)
        else:
            if name not in prepared:
                _check(conn, conn.pgconn.prepare(name.encode(), body.encode()))
                prepared.add(name)
                _log(db, f"PREPARE {name} AS {body}", started)
            result = conn.pgconn.exec_prepared(name.encode(), values, result_format=BINARY)
            _check(conn, result)
            _log(db, f"EXECUTE {name} {params!r}", started)
    transformer.set_pgresult(result)
    return transformer.load_rows(0, result.ntuples, tuple)


def fetch_rows(name, sql, params):
    """The rows (tuples) of the read-only statement `sql`, with `%(name)s` placeholders filled
    from `params` (str or int values), prepared on each connection as `name`.

    Django checks a kept connection with its own round trip (`SELECT 1`) before a request first
    uses it (DB_CONN_HEALTH_CHECKS). Here the statement itself is the check: if the kept
    connection turns out dead, it is closed and the read runs once more on a fresh one. The
    result is the same (no request fails after a database restart), for one round trip less.
    """
    db = connections[DEFAULT_DB_ALIAS]
    kept = (
        db.connection is not None
        and db.health_check_enabled
        and not db.health_check_done
        and not db.in_atomic_block
    )
    if kept:
        db.health_check_done = True
    try:
        return _fetch(db, name, sql, params)
    except (InterfaceError, OperationalError):
        if not kept:
            raise
    db.close()
    return _fetch(db, name, sql, params)


def fetch_bound(sql, params):
    """The rows of `sql` (with %s, or %b for binary, placeholders), its parameters sent apart.

    Django's cursors quote parameters into the statement in Python; for a batch of scans (ten
    arrays of a thousand values) that quoting was most of the write's Python time. Sent apart,
    and in binary (%b), they need no quoting at all: a third of the time.
    """
    db = connections[DEFAULT_DB_ALIAS]
    _ready(db)
    if db.execute_wrappers:  # through Django's cursor, which quotes every parameter as text
        return _wrapped(db, sql.replace("%b", "%s"), params)
    started = time.monotonic()
    with db.wrap_database_errors, psycopg.Cursor(db.connection) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    _log(db, sql, started)
    return rows
