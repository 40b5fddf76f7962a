"""The event table becomes partitioned by month on PostgreSQL (docs/scale.md), keeping every
foreign key that points at it: the partition key is the id itself, and new ids carry their month
(`tracing_event_next_id()`: yyyymm << 32 | serial). The table as it is becomes the partition of
every id made before, so no row is copied or renumbered.

A partitioned table cannot have a unique index without its partition key, so the two global
rules (an eventID is captured once; an event has one error declaration) move to EventKey's
table, one narrow row per event written by a trigger in the event's own INSERT: bulk inserts and
COPY keep them too, and a duplicate still fails the INSERT with the same constraint names.

SQLite (the demo) keeps an ordinary event table with its own constraints; EventKey stays empty.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

from txng.common.partitions import partition_by_id_month, unpartition_by_id_month

KEYS = """
DROP INDEX event_captured_once;
ALTER TABLE tracing_event DROP CONSTRAINT one_error_declaration;
INSERT INTO tracing_eventkey (event_id, key, declares_error_on)
  SELECT id, event_id, declares_error_on_id FROM tracing_event;
CREATE UNIQUE INDEX event_captured_once ON tracing_eventkey (key)
  WHERE declares_error_on IS NULL;
ALTER TABLE tracing_eventkey ADD CONSTRAINT one_error_declaration UNIQUE (declares_error_on);
"""

# The trigger is made on the partitioned table, so PostgreSQL gives it to every partition,
# present and future: an INSERT straight into a partition keeps the rules too. It also removes
# the key of an event that purge_lot removes, which is why the key table needs no foreign key.
# Key rows are as append-only as events.
KEY_TRIGGER = """
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
CREATE TRIGGER tracing_event_key AFTER INSERT OR DELETE ON tracing_event
  FOR EACH ROW EXECUTE FUNCTION tracing_event_key();
CREATE TRIGGER tracing_eventkey_no_update BEFORE UPDATE OR DELETE ON tracing_eventkey
  FOR EACH ROW EXECUTE FUNCTION tracing_event_append_only();
"""

NO_KEY_TRIGGER = """
DROP TRIGGER tracing_eventkey_no_update ON tracing_eventkey;
DROP TRIGGER tracing_event_key ON tracing_event;
DROP FUNCTION tracing_event_key();
DROP INDEX event_captured_once;
ALTER TABLE tracing_eventkey DROP CONSTRAINT one_error_declaration;
"""


def partition(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    schema_editor.execute(KEYS, params=None)
    partition_by_id_month("tracing_event", timezone.localdate(), using=connection)
    schema_editor.execute(KEY_TRIGGER, params=None)


def unpartition(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    schema_editor.execute(NO_KEY_TRIGGER, params=None)
    unpartition_by_id_month("tracing_event", using=connection)
    event = apps.get_model("tracing", "Event")
    for constraint in event._meta.constraints:
        schema_editor.add_constraint(event, constraint)


class Migration(migrations.Migration):
    dependencies = [("tracing", "0010_machine_written_text_not_editable")]

    operations = [
        migrations.CreateModel(
            name="EventKey",
            fields=[
                (
                    "event",
                    models.OneToOneField(
                        db_constraint=False,
                        editable=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="tracing.event",
                    ),
                ),
                ("key", models.CharField(editable=False, max_length=100)),
                ("declares_error_on", models.BigIntegerField(editable=False, null=True)),
            ],
        ),
        migrations.RunPython(partition, unpartition),
    ]
