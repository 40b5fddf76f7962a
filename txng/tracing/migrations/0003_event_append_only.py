"""Make the event table append-only in PostgreSQL itself, not only in the ORM."""

from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION tracing_event_append_only() RETURNS trigger AS $$
BEGIN
  -- Only actions.purge_lot, past the retention period, may delete (it sets txng.purge).
  IF TG_OP = 'DELETE' AND current_setting('txng.purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'tracing_event is append-only: declare an error instead of %', TG_OP;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER tracing_event_no_update BEFORE UPDATE OR DELETE ON tracing_event
  FOR EACH ROW EXECUTE FUNCTION tracing_event_append_only();
"""
ALLOW = """
DROP TRIGGER IF EXISTS tracing_event_no_update ON tracing_event;
DROP FUNCTION IF EXISTS tracing_event_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW, params=None)


class Migration(migrations.Migration):
    dependencies = [("tracing", "0002_traceability_core")]
    operations = [migrations.RunPython(forward, backward)]
