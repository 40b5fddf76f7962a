"""The consumer scan log becomes a table partitioned by month on PostgreSQL (docs/scale.md):
at 10^8 scans a year each month keeps its own small indexes, and old months can be moved or
archived whole. Django sees the same table; SQLite (the demo) keeps an ordinary one."""

from django.db import migrations
from django.utils import timezone

from txng.common.partitions import is_partitioned, partition_by_month


def partition(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or is_partitioned("stamps_scan", connection):
        return
    partition_by_month("stamps_scan", "at", timezone.localdate(), using=connection)


class Migration(migrations.Migration):
    dependencies = [("stamps", "0005_merge_0004_scan_counted_0004_text_length_limits")]

    # Backwards the partitioned table stays: Django reads and writes it as the same table.
    operations = [migrations.RunPython(partition, migrations.RunPython.noop)]
