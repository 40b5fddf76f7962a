"""Monthly range partitions on PostgreSQL (declarative partitioning), for tables that only grow
with time and that no foreign key points at: the consumer scan log (docs/scale.md says why the
event table is not one of them). Each month is its own table with its own small indexes; a
DEFAULT partition takes any row outside the months made so far, so no insert ever fails, and
`ensure_months` moves such rows into their month when it makes it. Months are local months
(settings.TIME_ZONE), as reports count them."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction


def _month_start(day):
    return date(day.year, day.month, 1)


def _next_month(day):
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


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
