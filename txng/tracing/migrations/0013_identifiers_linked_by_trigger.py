"""The identifier index loses its foreign key to the partitioned event table, whose check cost
each identifier row about as much as the event's own insert (EPCIS capture, bench/epcis.py):
the link is kept by triggers on PostgreSQL, as for the key table (tracing 0011).

- Rows an INSERT or UPDATE writes must name events that exist: one statement-level check per
  statement (a set look-up of its rows' events), not a locking check per row. Rows are written
  only by the transaction that inserts their event (eventindex, capture), so no other
  transaction can remove that event before they commit.
- An event's delete (only purge_lot, past retention) takes its identifier rows with it, in the
  trigger that already takes its key row. Django's cascade deletes them first anyway.

SQLite (the demo) has neither; Django's cascade keeps deletes there.
"""

from django.db import migrations, models

LINK = """
CREATE OR REPLACE FUNCTION tracing_event_key() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO tracing_eventkey (event_id, key, declares_error_on)
      VALUES (NEW.id, NEW.event_id, NEW.declares_error_on_id);
  ELSE
    DELETE FROM tracing_eventkey WHERE event_id = OLD.id;
    DELETE FROM tracing_eventidentifier WHERE event_id = OLD.id;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION tracing_identifier_event_exists() RETURNS trigger AS $$
DECLARE
  missing bigint;
BEGIN
  SELECT n.event_id INTO missing FROM identifier_rows n
    WHERE NOT EXISTS (SELECT 1 FROM tracing_event e WHERE e.id = n.event_id) LIMIT 1;
  IF FOUND THEN
    RAISE foreign_key_violation USING
      MESSAGE = format('tracing_eventidentifier: event %s does not exist', missing),
      CONSTRAINT = 'tracing_eventidentifier_event_exists';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER tracing_identifier_event_inserted AFTER INSERT ON tracing_eventidentifier
  REFERENCING NEW TABLE AS identifier_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tracing_identifier_event_exists();
CREATE TRIGGER tracing_identifier_event_updated AFTER UPDATE ON tracing_eventidentifier
  REFERENCING NEW TABLE AS identifier_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tracing_identifier_event_exists();
"""

UNLINK = """
DROP TRIGGER tracing_identifier_event_updated ON tracing_eventidentifier;
DROP TRIGGER tracing_identifier_event_inserted ON tracing_eventidentifier;
DROP FUNCTION tracing_identifier_event_exists();
CREATE OR REPLACE FUNCTION tracing_event_key() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO tracing_eventkey (event_id, key, declares_error_on)
      VALUES (NEW.id, NEW.event_id, NEW.declares_error_on_id);
  ELSE
    DELETE FROM tracing_eventkey WHERE event_id = OLD.id;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


def link(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # A foreign key to a partitioned table has a clone per partition, which Django's AlterField
    # would try to drop one by one after the first drop took them all: drop it here, by the
    # parent constraint's name, and AlterField finds none left.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'f' AND conparentid = 0"
            " AND conrelid = 'tracing_eventidentifier'::regclass"
        )
        names = [name for (name,) in cursor.fetchall()]
    for name in names:
        schema_editor.execute(
            f'ALTER TABLE tracing_eventidentifier DROP CONSTRAINT "{name}"', params=None
        )
    schema_editor.execute(LINK, params=None)


def unlink(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNLINK, params=None)


class Migration(migrations.Migration):
    dependencies = [("tracing", "0012_merge_label_code_and_partitions")]

    operations = [
        migrations.RunPython(link, unlink),
        migrations.AlterField(
            model_name="eventidentifier",
            name="event",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=models.CASCADE,
                related_name="identifiers",
                to="tracing.event",
            ),
        ),
    ]
