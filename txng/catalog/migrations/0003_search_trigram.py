"""pg_trgm and a GIN trigram index on the normalised search column (PostgreSQL only).

`make demo` runs on SQLite, where search scans the column instead; both operations do nothing
there.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "catalog_product_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON catalog_product "
            "USING gin (search_text gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_businessprofile_document_productimage_revision_and_more")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
