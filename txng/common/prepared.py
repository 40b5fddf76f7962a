"""Server-side prepared statements for the few queries that run on every request of a hot page.

Django sends queries as text that PostgreSQL parses and plans each time; for a large statement
run thousands of times a second that costs more than executing it. `execute_prepared` PREPAREs
the statement once per database connection and EXECUTEs it after that. Behind a pooler in
transaction mode (PgBouncer before 1.21) session state is not kept: set
DB_PREPARED_STATEMENTS=0 there.
"""

import functools
import re
import weakref

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

_PARAM = re.compile(r"%\((\w+)\)s")
_prepared = weakref.WeakKeyDictionary()  # raw connection -> names prepared on it


@functools.cache
def _positional(sql):
    """`%(name)s` placeholders as $1, $2, ... and the names in that order."""
    names = []

    def number(match):
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return _PARAM.sub(number, sql), tuple(names)


def execute_prepared(cursor, name, sql, params):
    """Execute `sql` (with %(name)s placeholders) as the prepared statement `name`."""
    db = cursor.db
    if db.vendor != "postgresql" or not settings.DB_PREPARED_STATEMENTS:
        cursor.execute(sql, params)
        return
    body, names = _positional(sql)
    done = _prepared.setdefault(db.connection, set())
    if name not in done:
        cursor.execute(f"PREPARE {name} AS {body}")
        done.add(name)
    placeholders = ", ".join(["%s"] * len(names))
    cursor.execute(f"EXECUTE {name}({placeholders})", [params[n] for n in names])


def execute_read(name, sql, params, fetch):
    """`fetch(cursor)` after `execute_prepared`, for a read-only statement on a hot page.

    Django checks a kept connection with its own round trip (`SELECT 1`) before a request first
    uses it (DB_CONN_HEALTH_CHECKS). Here the statement itself is the check: if the kept
    connection turns out dead, it is closed and the read runs once more on a fresh one. The
    result is the same (no request fails after a database restart), for one round trip less.
    """
    from django.db import InterfaceError, OperationalError

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
        with db.cursor() as cursor:
            execute_prepared(cursor, name, sql, params)
            return fetch(cursor)
    except (InterfaceError, OperationalError):
        if not kept:
            raise
    db.close()
    with db.cursor() as cursor:
        execute_prepared(cursor, name, sql, params)
        return fetch(cursor)
