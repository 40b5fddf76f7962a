"""A capture job keeps its document as JSON text, not jsonb: only the task worker reads it,
whole and once, so PostgreSQL parsing it on the way in and writing it out on the way back was
work for nothing (bench/epcis.py). Stored documents keep their content (jsonb's text form)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('epcis', '0004_timestamp_or_null'),
    ]

    operations = [
        migrations.AlterField(
            model_name='capturejob',
            name='document',
            field=models.TextField(editable=False, null=True),
        ),
    ]
