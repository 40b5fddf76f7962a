"""The event table's rules kept by PostgreSQL triggers once per statement (tracing 0011, 0013,
0014; SQLite keeps them as constraints or not at all).

After every INSERT or COPY into tracing_event, one statement trigger (`tracing_event_inserted`)
reads the statement's rows from its transition table and
- writes their key rows (EventKey: an eventID is captured once, an event has one error
  declaration), in one INSERT ... SELECT;
- checks what a foreign key would check, once per distinct referenced row: the organisation,
  facility, user and declared event each row names exists, and is locked FOR KEY SHARE as
  PostgreSQL's own check locks it, so that a delete of it waits for this transaction to end
  and then finds the new events. Unlike Django's deferred foreign keys this check runs at the
  end of the statement, not at commit: an event must name rows that exist when it is written
  (the app never writes one before what it names). The delete side is a deferred constraint
  trigger on each referenced table (`tracing_event_referenced`), checked at commit as the
  foreign keys were, that refuses to delete a row an event still names. Its look-up cannot see
  past the transaction's snapshot as a foreign key's check does, so it refuses to run under
  REPEATABLE READ or SERIALIZABLE (the app runs READ COMMITTED). Events are never updated
  (tracing 0003), so inserts and deletes are all there is to check.

Row triggers and foreign keys did the same per event: five trigger calls a row, about a sixth
of EPCIS capture's server time (bench/epcis.py, docs/scale.md).

A partitioned table's statement triggers fire for statements that name it, not for those that
name one of its partitions: every partition has the same trigger (`link_partitions`, run by the
migration and by ensure_event_partitions for each new month), so a row written straight into a
partition is checked too. The functions themselves are tracing 0014's (a migration keeps the
SQL it ran).
"""

TRIGGER = "tracing_event_inserted"

# The references the triggers keep, as (event column, referenced table) pairs: the insert
# trigger's arguments (which name a missing row's column and table), and one delete-side trigger
# on each table (tracing 0014).
REFERENCES = (
    ("business_id", "accounts_organisation"),
    ("facility_id", "catalog_facility"),
    ("recorded_by_id", "accounts_user"),
    ("declares_error_on_id", "tracing_event"),
)
ARGUMENTS = ", ".join(f"'{column}', '{table}'" for column, table in REFERENCES)


def inserted_trigger(table):
    """The statement trigger on `table` (the event table or one of its partitions); its
    function is tracing 0014's."""
    return (
        f'CREATE TRIGGER {TRIGGER} AFTER INSERT ON "{table}"'
        " REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT"
        f" EXECUTE FUNCTION tracing_event_inserted({ARGUMENTS})"
    )


def link_partitions(cursor):
    """Give every partition of the event table that lacks it the statement trigger; returns
    their names."""
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = 'tracing_event'::regclass AND NOT EXISTS"
        " (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = %s)",
        [TRIGGER],
    )
    names = [name for (name,) in cursor.fetchall()]
    for name in names:
        cursor.execute(inserted_trigger(name))
    return names
