"""The event table's key rows and references are kept once per statement instead of once per
row (eventtable.py): one statement trigger writes the key rows and checks the references of all
the rows an INSERT or COPY wrote, where a row trigger and four foreign keys ran five trigger
calls per event, about a sixth of EPCIS capture's server time (bench/epcis.py). Deleting a row
that events name is refused at commit by a constraint trigger on its table. SQLite (the demo)
has neither. The functions' SQL is kept here as it ran; the references and the insert trigger's
statement are eventtable.py's, which the monthly partitions get it from too, and which explains
it all.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from txng.tracing import eventtable


FUNCTIONS = """
CREATE OR REPLACE FUNCTION tracing_event_inserted() RETURNS trigger AS $$
DECLARE
  businesses bigint;
  facilities bigint;
  users bigint;
  declared bigint;
  missing bigint;
BEGIN
  -- In eventID order, as capture writes its rows: two transactions storing some of the same
  -- events wait for each other in one order, never each for the other.
  INSERT INTO tracing_eventkey (event_id, key, declares_error_on)
    SELECT id, event_id, declares_error_on_id FROM new_events ORDER BY event_id;
  -- Static statements, so PL/pgSQL plans them once per session: a one-event INSERT from a
  -- form pays little more than the foreign keys' checks did. From the few distinct ids to each
  -- table by its primary key, whatever the table's size; each found row locked FOR KEY SHARE.
  SELECT count(DISTINCT business_id), count(DISTINCT facility_id),
         count(DISTINCT recorded_by_id), count(DISTINCT declares_error_on_id)
    INTO businesses, facilities, users, declared FROM new_events;
  IF businesses > (SELECT count(*) FROM (SELECT 1 FROM (SELECT DISTINCT business_id AS id
      FROM new_events) n JOIN accounts_organisation t ON t.id = n.id FOR KEY SHARE OF t) f)
    OR facilities > 0 AND facilities > (SELECT count(*) FROM (SELECT 1 FROM (SELECT DISTINCT
      facility_id AS id FROM new_events) n JOIN catalog_facility t ON t.id = n.id
      FOR KEY SHARE OF t) f)
    OR users > 0 AND users > (SELECT count(*) FROM (SELECT 1 FROM (SELECT DISTINCT
      recorded_by_id AS id FROM new_events) n JOIN accounts_user t ON t.id = n.id
      FOR KEY SHARE OF t) f)
    OR declared > 0 AND declared > (SELECT count(*) FROM (SELECT 1 FROM (SELECT DISTINCT
      declares_error_on_id AS id FROM new_events) n JOIN tracing_event t ON t.id = n.id
      FOR KEY SHARE OF t) f)
  THEN
    -- Only when a row is missing: which one, for the message (the trigger's arguments pair
    -- each column with its table).
    FOR i IN 1 .. array_length(TG_ARGV, 1) / 2 LOOP
      EXECUTE format(
        'SELECT n.%1$I FROM new_events n WHERE n.%1$I IS NOT NULL'
        ' AND NOT EXISTS (SELECT 1 FROM %2$I t WHERE t.id = n.%1$I) LIMIT 1',
        TG_ARGV[2 * i - 2], TG_ARGV[2 * i - 1]) INTO missing;
      IF missing IS NOT NULL THEN
        RAISE foreign_key_violation USING
          MESSAGE = format('tracing_event: %s = %s is not in %s',
                           TG_ARGV[2 * i - 2], missing, TG_ARGV[2 * i - 1]),
          CONSTRAINT = format('tracing_event_%s_exists', TG_ARGV[2 * i - 2]);
      END IF;
    END LOOP;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION tracing_event_referenced() RETURNS trigger AS $$
DECLARE
  named bigint;
BEGIN
  -- A foreign key's check looks past the transaction's snapshot; this look-up cannot, so it
  -- would miss an event committed after a REPEATABLE READ snapshot was taken.
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE serialization_failure USING
      MESSAGE = format('%s: delete rows that events may name under READ COMMITTED', TG_TABLE_NAME);
  END IF;
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

# Checked at commit, as Django's deferred foreign keys were: a transaction may delete an event
# before the declaration naming it (purge_lot deletes in batches of 100). Per deleted row:
# these deletes are rare, and never on capture's way.
REFERENCED = """
CREATE CONSTRAINT TRIGGER "tracing_event_{0}_kept" AFTER DELETE ON "{1}"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tracing_event_referenced('{0}')
"""

ROW_KEY_TRIGGER = """
DROP TRIGGER tracing_event_key ON tracing_event;
CREATE TRIGGER tracing_event_key AFTER DELETE ON tracing_event
  FOR EACH ROW EXECUTE FUNCTION tracing_event_key();
"""

OLD_ROW_KEY_TRIGGER = """
DROP TRIGGER tracing_event_key ON tracing_event;
CREATE TRIGGER tracing_event_key AFTER INSERT OR DELETE ON tracing_event
  FOR EACH ROW EXECUTE FUNCTION tracing_event_key();
"""


def per_statement(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    # Foreign keys to and from a partitioned table have a clone per partition, which Django's
    # AlterField would drop one by one after the first drop took them all (as in 0013): they
    # are dropped here, by the parent constraint's name, and AlterField finds none left.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'f' AND conparentid = 0"
            " AND conrelid = 'tracing_event'::regclass"
        )
        names = [name for (name,) in cursor.fetchall()]
        for name in names:
            cursor.execute(f'ALTER TABLE tracing_event DROP CONSTRAINT "{name}"')
        cursor.execute(FUNCTIONS)
        cursor.execute(ROW_KEY_TRIGGER)
        cursor.execute(eventtable.inserted_trigger("tracing_event"))
        eventtable.link_partitions(cursor)
        for column, table in eventtable.REFERENCES:
            cursor.execute(REFERENCED.format(column, table))


def per_row(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for column, table in eventtable.REFERENCES:
            cursor.execute(f'DROP TRIGGER "tracing_event_{column}_kept" ON "{table}"')
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = 'tracing_event'::regclass"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP TRIGGER IF EXISTS {eventtable.TRIGGER} ON "{name}"')
        cursor.execute(f"DROP TRIGGER {eventtable.TRIGGER} ON tracing_event")
        cursor.execute(OLD_ROW_KEY_TRIGGER)
        cursor.execute("DROP FUNCTION tracing_event_inserted(); DROP FUNCTION tracing_event_referenced()")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_merge_notifications_and_gln'),
        ('catalog', '0007_remove_self_declared_ocop_stars'),
        ('tracing', '0013_identifiers_linked_by_trigger'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(per_statement, per_row),
        migrations.AlterField(
            model_name='event',
            name='business',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='accounts.organisation'),
        ),
        migrations.AlterField(
            model_name='event',
            name='declares_error_on',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='error_declarations', to='tracing.event'),
        ),
        migrations.AlterField(
            model_name='event',
            name='facility',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.facility'),
        ),
        migrations.AlterField(
            model_name='event',
            name='recorded_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
    ]
