"""The event table's key rows and references are kept once per statement instead of once per
row (eventtable.py): one statement trigger writes the key rows and checks the references of all
the rows an INSERT or COPY wrote, where a row trigger and four foreign keys ran five trigger
calls per event, about a sixth of EPCIS capture's server time (bench/epcis.py). Deleting a row
that events name is refused by a statement trigger on its table. SQLite (the demo) has neither.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from txng.tracing import eventtable


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
        cursor.execute(eventtable.FUNCTIONS)
        cursor.execute(ROW_KEY_TRIGGER)
        cursor.execute(eventtable.inserted_trigger("tracing_event"))
        eventtable.link_partitions(cursor)
        for trigger in eventtable.referenced_triggers():
            cursor.execute(trigger)


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
