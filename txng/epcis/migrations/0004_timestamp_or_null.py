"""A text → timestamptz cast that answers NULL for what is no instant ('2026-02-30T10:00:00Z',
'2026-01-01T25:00:00Z'), for the EPCIS query's time comparisons on user fields (query_paths):
one odd value fails its own event's test instead of the whole query. A regular expression cannot
tell a real date from an impossible one, and PostgreSQL 15's jsonpath .datetime() without a
template does not read the ISO 8601 forms EPCIS uses ("T", "Z")."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION txng_timestamptz_or_null(value text) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN value::timestamptz;
EXCEPTION WHEN data_exception THEN
    RETURN NULL;
END
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS txng_timestamptz_or_null(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("epcis", "0003_merge_capture_retention_and_key_counts"),
    ]

    operations = [migrations.RunPython(create, drop)]
