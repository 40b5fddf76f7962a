"""Monthly range partitions on PostgreSQL (declarative partitioning), in two forms.

By time (`partition_by_month`, `ensure_months`): for tables that only grow with time and that no
foreign key points at, the consumer scan log. The partition key is the row's timestamp, so the
primary key becomes (id, timestamp).

By id (`partition_by_id_month`, `ensure_id_months`): for a table that foreign keys point at, the
event table. Its ids carry the month they were made in (`month << 32 | serial`, from a database
default), so the partition key is the id itself, the primary key stays (id) and every foreign
key keeps pointing at it. A global unique rule other than the id cannot be an index of such a
table; the caller keeps it elsewhere (tracing's key table).

Each month is its own table with its own small indexes; a DEFAULT partition takes any row
outside the months made so far, so no insert ever fails. Months are local months
(settings.TIME_ZONE), as reports count them."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction


def _month_start(day):
    return date(day.year, day.month, 1)


def _next_month(day):
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def months_after(day, months):
    """The first day of the month `months` after day's."""
    month = _month_start(day)
    for _month in range(months):
        month = _next_month(month)
    return month


def _bound(day):
    return datetime(day.year, day.month, 1, tzinfo=ZoneInfo(settings.TIME_ZONE)).isoformat()


def partition_name(table, month):
    return f"{table}_p{month:%Y%m}"


def is_partitioned(table, using=connection):
    if using.vendor != "postgresql":
        return False
    with using.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [table])
        return cursor.fetchone() is not None


def ensure_months(table, column, first, last, using=connection):
    """Make the monthly partitions from first's month to last's month (dates) that are missing;
    returns the names made. Rows of such a month waiting in the DEFAULT partition move in."""
    made = []
    month = _month_start(first)
    while month <= last:
        name = partition_name(table, month)
        low, high = _bound(month), _bound(_next_month(month))
        with transaction.atomic(using=using.alias), using.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s::text)", [name])
            if cursor.fetchone()[0] is None:
                cursor.execute(f'CREATE TABLE "{name}" (LIKE "{table}" INCLUDING DEFAULTS)')
                # Names come from code (migrations, tasks), never from a request.
                move = (
                    f'WITH moved AS (DELETE FROM "{table}_default" WHERE "{column}" >= %s'  # noqa: S608
                    f' AND "{column}" < %s RETURNING *) INSERT INTO "{name}" SELECT * FROM moved'
                )
                cursor.execute(move, [datetime.fromisoformat(low), datetime.fromisoformat(high)])
                # DDL takes no parameters; the bounds are timestamps this module wrote.
                cursor.execute(
                    f'ALTER TABLE "{table}" ATTACH PARTITION "{name}"'
                    f" FOR VALUES FROM ('{low}') TO ('{high}')"
                )
                made.append(name)
        month = _next_month(month)
    return made


def partition_by_month(table, column, today, using=connection):
    """Turn an ordinary table into one partitioned by month on `column`, keeping its rows, the
    names of its indexes and foreign keys (later migrations refer to them), and its id
    sequence. The primary key becomes (id, column): PostgreSQL wants the partition key in
    every unique index, which is also why no foreign key may point at such a table."""
    old = f"{table}_unpartitioned"
    with using.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indrelid = %s::regclass AND NOT i.indisprimary",
            [table],
        )
        index_defs = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype IN ('f', 'c')",
            [table],
        )
        constraints = cursor.fetchall()
        # Table and column names come from code (migrations, tasks), never from a request.
        cursor.execute(f'SELECT min("{column}"), COALESCE(max(id), 0) FROM "{table}"')  # noqa: S608
        oldest, last_id = cursor.fetchone()
        cursor.execute(f'ALTER TABLE "{table}" RENAME TO "{old}"')
        cursor.execute(
            f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING DEFAULTS)'
            f' PARTITION BY RANGE ("{column}")'
        )
        cursor.execute(f'CREATE SEQUENCE "{table}_id_part_seq" OWNED BY "{table}".id')
        cursor.execute(
            f"SELECT setval('\"{table}_id_part_seq\"', %s::bigint + 1, false)", [last_id]
        )
        cursor.execute(
            f'ALTER TABLE "{table}" ALTER COLUMN id SET DEFAULT nextval(\'"{table}_id_part_seq"\')'
        )
        cursor.execute(f'CREATE TABLE "{table}_default" PARTITION OF "{table}" DEFAULT')
    first = oldest.astimezone(ZoneInfo(settings.TIME_ZONE)).date() if oldest else today
    ensure_months(table, column, min(first, today), _next_month(today), using=using)
    with using.cursor() as cursor:
        cursor.execute(f'INSERT INTO "{table}" SELECT * FROM "{old}"')  # noqa: S608
        cursor.execute(f'DROP TABLE "{old}"')
        cursor.execute(f'ALTER TABLE "{table}" ADD PRIMARY KEY (id, "{column}")')
        for definition in index_defs:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')


def partitions(table, using=connection):
    """[{name, bounds, rows}] of the table's partitions, rows as PostgreSQL estimates them."""
    with using.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint"
            " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = %s::regclass ORDER BY c.relname",
            [table],
        )
        return [{"name": n, "bounds": b, "rows": max(r, 0)} for n, b, r in cursor.fetchall()]


# A table partitioned by id month makes its ids as `yyyymm << 32 | serial`: the local month in
# the high bits, a serial of 32 bits below (4,294,967,295 rows a month; the serial then wraps,
# which collides only if one month makes more rows than that). The largest id stays below 2**53
# until the year 2097, so ids remain exact numbers for JavaScript and JSON readers.
ID_MONTH_SHIFT = 32
ID_SERIAL_MAX = (1 << ID_MONTH_SHIFT) - 1


def month_first_id(month):
    """The first id of `month` (a date) in a table partitioned by id month."""
    return (month.year * 100 + month.month) << ID_MONTH_SHIFT


def id_month(pk):
    """The month (a date) an id of such a table was made in; None for ids made before the table
    was partitioned (they are small: no month bits)."""
    yyyymm = pk >> ID_MONTH_SHIFT
    return date(yyyymm // 100, yyyymm % 100, 1) if yyyymm else None


def next_id_function(table):
    return f"{table}_next_id"


def _fetch(cursor, sql, params):
    cursor.execute(sql, params)
    return cursor.fetchall()


def _definitions(cursor, table):
    """What must be made again around `table` when it is rebuilt: its own checks and foreign keys
    to other tables, the foreign keys pointing at it (its own to itself included), its row
    triggers (those a partitioned table cloned to its partitions left out) and its largest id."""
    own = _fetch(
        cursor,
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND conparentid = 0 AND (contype = 'c' OR"
        " (contype = 'f' AND confrelid <> conrelid))",
        [table],
    )
    incoming = _fetch(
        cursor,
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
        " FROM pg_constraint WHERE confrelid = %s::regclass AND contype = 'f'"
        " AND conparentid = 0",
        [table],
    )
    triggers = _fetch(
        cursor,
        "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger"
        " WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgparentid = 0",
        [table],
    )
    (last_id,) = _fetch(cursor, f'SELECT COALESCE(max(id), 0) FROM "{table}"', [])[0]  # noqa: S608
    return own, incoming, triggers, last_id


def ensure_id_months(table, first, last, using=connection):
    """Make the missing partitions of a table partitioned by id month, from first's month to
    last's month (dates); returns the names made. Rows of such a month that already wait in the
    DEFAULT partition stay there (foreign keys point at them and the table is append-only, so
    they cannot move; they are found there as anywhere): the month's partition then starts after
    the last of them."""
    made = []
    month = _month_start(first)
    while month <= last:
        name = partition_name(table, month)
        low, high = month_first_id(month), month_first_id(_next_month(month))
        with transaction.atomic(using=using.alias), using.cursor() as cursor:
            cursor.execute(
                "SELECT to_regclass(%s::text), to_regclass(%s::text)", [name, f"{table}_default"]
            )
            exists, default = cursor.fetchone()
            if exists is None and default is not None:
                # No row may reach the default partition between this look and the new table.
                cursor.execute(f'LOCK TABLE "{table}_default" IN SHARE MODE')
                (waiting,) = _fetch(
                    cursor,
                    f'SELECT max(id) FROM "{table}_default" WHERE id >= %s AND id < %s',  # noqa: S608
                    [low, high],
                )[0]
                low = max(low, (waiting or 0) + 1)
            if exists is None:
                # DDL takes no parameters; the bounds are integers this module computed.
                cursor.execute(
                    f'CREATE TABLE "{name}" PARTITION OF "{table}"'
                    f" FOR VALUES FROM ({low}) TO ({high})"
                )
                made.append(name)
        month = _next_month(month)
    return made


def partition_by_id_month(table, today, months_ahead=2, using=connection):
    """Turn an ordinary table with a bigint id into one partitioned by range of id, each local
    month a partition, without copying or renumbering a row: the table as it is becomes the
    partition of every id below this month's first (`{table}_early`), and new ids come from
    `{table}_next_id()`. Foreign keys that point at the table are made again to point at the
    partitioned one, under their names; so are its indexes, constraints and row triggers.
    The table must have no unique index but its primary key (the caller moves them first)."""
    early = f"{table}_early"
    # Table names come from code (migrations), never from a request.
    with using.cursor() as cursor:
        unique = _fetch(
            cursor,
            "SELECT indexrelid::regclass::text FROM pg_index"
            " WHERE indrelid = %s::regclass AND indisunique AND NOT indisprimary",
            [table],
        )
        if unique:
            raise ValueError(f"{table}: unique index {unique[0][0]} cannot be partitioned by id")
        (pkey,) = _fetch(
            cursor,
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
            [table],
        )[0]
        indexes = _fetch(
            cursor,
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
            " WHERE indrelid = %s::regclass AND NOT indisprimary ORDER BY 1",
            [table],
        )
        # Constraints of the table itself (checks, foreign keys to other tables) stay on the old
        # table and are matched by the same ones made on the partitioned table.
        own, incoming, triggers, last_id = _definitions(cursor, table)
        # Definitions read above name "table"; after the rename they make the partitioned one.
        for referrer, name, _definition in incoming:
            cursor.execute(f'ALTER TABLE "{referrer}" DROP CONSTRAINT "{name}"')
        for name, _definition in triggers:
            cursor.execute(f'DROP TRIGGER "{name}" ON "{table}"')
        cursor.execute(f'ALTER TABLE "{table}" RENAME TO "{early}"')
        cursor.execute(f'ALTER TABLE "{early}" RENAME CONSTRAINT "{pkey}" TO "{early}_pkey"')
        for number, (name, _definition) in enumerate(indexes, start=1):
            cursor.execute(f'ALTER INDEX "{name}" RENAME TO "{early}_{number}"')
        cursor.execute(f'ALTER TABLE "{early}" ALTER COLUMN id DROP IDENTITY IF EXISTS')
        cursor.execute(f'ALTER TABLE "{early}" ALTER COLUMN id DROP DEFAULT')

        cursor.execute(f'CREATE TABLE "{table}" (LIKE "{early}") PARTITION BY RANGE (id)')
        # A table partitioned before and undone (unpartition_by_id_month) already holds ids of
        # this month: the serial goes on after them.
        start = (last_id & ID_SERIAL_MAX) + 1 if id_month(last_id) else 1
        # Not OWNED BY the id: Django would then take it for the id's own sequence and, after a
        # loaddata, set it to the largest id, which no 32-bit serial can hold.
        cursor.execute(
            f'CREATE SEQUENCE "{table}_serial" AS bigint MINVALUE 1 MAXVALUE {ID_SERIAL_MAX} CYCLE'
            f" START WITH {start}"
        )
        zone = ZoneInfo(settings.TIME_ZONE).key.replace("'", "''")
        function = next_id_function(table)
        cursor.execute(
            f'CREATE OR REPLACE FUNCTION "{function}"() RETURNS bigint LANGUAGE sql VOLATILE AS $$'
            f" SELECT (to_char(now() AT TIME ZONE '{zone}', 'YYYYMM')::bigint << {ID_MONTH_SHIFT})"
            f" | nextval('\"{table}_serial\"') $$"
        )
        cursor.execute(f'ALTER TABLE "{table}" ALTER COLUMN id SET DEFAULT "{function}"()')
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{pkey}" PRIMARY KEY (id)')
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in own:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')

        # The old rows become one partition as they are: a checked bound spares ATTACH its scan
        # under the strongest lock (the check's own scan takes a weaker one).
        month = _month_start(today)
        bound = max(month_first_id(month), last_id + 1)
        cursor.execute(
            f'ALTER TABLE "{early}" ADD CONSTRAINT "{early}_bound" CHECK (id < {bound}) NOT VALID'
        )
        cursor.execute(f'ALTER TABLE "{early}" VALIDATE CONSTRAINT "{early}_bound"')
        cursor.execute(
            f'ALTER TABLE "{table}" ATTACH PARTITION "{early}"'
            f" FOR VALUES FROM (MINVALUE) TO ({bound})"
        )
        cursor.execute(f'ALTER TABLE "{early}" DROP CONSTRAINT "{early}_bound"')
        if bound > month_first_id(month):  # this month's first ids are in the old table
            cursor.execute(
                f'CREATE TABLE "{partition_name(table, month)}" PARTITION OF "{table}"'
                f" FOR VALUES FROM ({bound}) TO ({month_first_id(_next_month(month))})"
            )
    ensure_id_months(table, today, months_after(today, months_ahead), using=using)
    with using.cursor() as cursor:
        cursor.execute(f'CREATE TABLE "{table}_default" PARTITION OF "{table}" DEFAULT')
        for referrer, name, definition in incoming:
            cursor.execute(f'ALTER TABLE "{referrer}" ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in triggers:
            cursor.execute(definition)


def unpartition_by_id_month(table, using=connection):
    """partition_by_id_month undone: one ordinary table with every row and id as it is, an
    identity id continuing after the largest, and the same indexes, constraints, triggers and
    foreign keys pointing at it."""
    with using.cursor() as cursor:
        (pkey,) = _fetch(
            cursor,
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
            [table],
        )[0]
        indexes = _fetch(
            cursor,
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index"
            " WHERE indrelid = %s::regclass AND NOT indisprimary ORDER BY indexrelid",
            [table],
        )
        own, incoming, triggers, last_id = _definitions(cursor, table)
        for referrer, name, _definition in incoming:
            cursor.execute(f'ALTER TABLE "{referrer}" DROP CONSTRAINT "{name}"')
        plain = f"{table}_plain"
        cursor.execute(f'CREATE TABLE "{plain}" (LIKE "{table}")')
        cursor.execute(f'INSERT INTO "{plain}" SELECT * FROM "{table}"')  # noqa: S608
        cursor.execute(f'DROP TABLE "{table}"')
        cursor.execute(f'DROP FUNCTION IF EXISTS "{next_id_function(table)}"()')
        cursor.execute(f'DROP SEQUENCE IF EXISTS "{table}_serial"')
        cursor.execute(f'ALTER TABLE "{plain}" RENAME TO "{table}"')
        cursor.execute(
            f'ALTER TABLE "{table}" ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY'
            f" (START WITH {last_id + 1})"
        )
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{pkey}" PRIMARY KEY (id)')
        for (definition,) in indexes:
            cursor.execute(definition.replace(" ON ONLY ", " ON ", 1))
        for name, definition in own:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        for referrer, name, definition in incoming:
            cursor.execute(f'ALTER TABLE "{referrer}" ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in triggers:
            cursor.execute(definition)
