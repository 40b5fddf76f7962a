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
  foreign keys were, that refuses to delete a row an event still names. Events are never
  updated (tracing 0003), so inserts and deletes are all there is to check.

Row triggers and foreign keys did the same per event: five trigger calls a row, about a sixth
of EPCIS capture's server time (bench/epcis.py, docs/scale.md).

A partitioned table's statement triggers fire for statements that name it, not for those that
name one of its partitions: every partition has the same trigger (`link_partitions`, run by the
migration and by ensure_event_partitions for each new month), so a row written straight into a
partition is checked too.
"""

TRIGGER = "tracing_event_inserted"

# (event column, referenced table): what the statement trigger checks.
REFERENCES = (
    ("business_id", "accounts_organisation"),
    ("facility_id", "catalog_facility"),
    ("recorded_by_id", "accounts_user"),
    ("declares_error_on_id", "tracing_event"),
)

FUNCTIONS = """
CREATE OR REPLACE FUNCTION tracing_event_inserted() RETURNS trigger AS $$
DECLARE
  wanted bigint;
  locked bigint;
  missing bigint;
BEGIN
  INSERT INTO tracing_eventkey (event_id, key, declares_error_on)
    SELECT id, event_id, declares_error_on_id FROM new_events;
  FOR i IN 1 .. array_length(TG_ARGV, 1) / 2 LOOP
    EXECUTE format('SELECT count(DISTINCT %I) FROM new_events', TG_ARGV[2 * i - 2]) INTO wanted;
    CONTINUE WHEN wanted = 0;
    -- From the few distinct ids to the table by its primary key, whatever the table's size.
    EXECUTE format(
      'SELECT count(*) FROM (SELECT 1 FROM (SELECT DISTINCT %1$I AS id FROM new_events) n'
      ' JOIN %2$I t ON t.id = n.id FOR KEY SHARE OF t) AS found',
      TG_ARGV[2 * i - 2], TG_ARGV[2 * i - 1]) INTO locked;
    IF locked < wanted THEN
      EXECUTE format(
        'SELECT n.%1$I FROM new_events n WHERE n.%1$I IS NOT NULL'
        ' AND NOT EXISTS (SELECT 1 FROM %2$I t WHERE t.id = n.%1$I) LIMIT 1',
        TG_ARGV[2 * i - 2], TG_ARGV[2 * i - 1]) INTO missing;
      RAISE foreign_key_violation USING
        MESSAGE = format('tracing_event: %s = %s is not in %s',
                         TG_ARGV[2 * i - 2], missing, TG_ARGV[2 * i - 1]),
        CONSTRAINT = format('tracing_event_%s_exists', TG_ARGV[2 * i - 2]);
    END IF;
  END LOOP;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION tracing_event_referenced() RETURNS trigger AS $$
DECLARE
  named bigint;
BEGIN
  EXECUTE format('SELECT e.id FROM tracing_event e WHERE e.%I = $1 LIMIT 1', TG_ARGV[0])
    INTO named USING OLD.id;
  IF named IS NOT NULL THEN
    RAISE foreign_key_violation USING
      MESSAGE = format('%s %s is still named by event %s (%s)',
                       TG_TABLE_NAME, OLD.id, named, TG_ARGV[0]),
      CONSTRAINT = format('tracing_event_%s_exists', TG_ARGV[0]);
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


def _arguments():
    return ", ".join(f"'{name}'" for pair in REFERENCES for name in pair)


def inserted_trigger(table):
    return (
        f'CREATE TRIGGER {TRIGGER} AFTER INSERT ON "{table}"'
        " REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT"
        f" EXECUTE FUNCTION tracing_event_inserted({_arguments()})"
    )


def referenced_triggers():
    """The delete side: a deferred constraint trigger per referenced table, checked at commit as
    Django's foreign keys (DEFERRABLE INITIALLY DEFERRED) were, so a transaction may delete an
    event before the declaration naming it (purge_lot deletes in batches of 100). Per deleted
    row: deletes of these rows are rare, and never on capture's way."""
    return [
        f'CREATE CONSTRAINT TRIGGER "tracing_event_{column}_kept" AFTER DELETE ON "{table}"'
        " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
        f" EXECUTE FUNCTION tracing_event_referenced('{column}')"
        for column, table in REFERENCES
    ]


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
