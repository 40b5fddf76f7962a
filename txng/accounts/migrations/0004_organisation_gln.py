import txng.accounts.identifiers
import txng.accounts.models
from django.db import migrations, models


def give_refs(apps, schema_editor):
    """Each existing organisation its own opaque ref (a callable default gives one to all)."""
    Organisation = apps.get_model("accounts", "Organisation")
    for org in Organisation.objects.only("pk").iterator():
        Organisation.objects.filter(pk=org.pk).update(ref=txng.accounts.models.new_ref())


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_merge_throttle_and_limits'),
    ]

    operations = [
        migrations.AddField(
            model_name='organisation',
            name='gln',
            field=models.CharField(blank=True, help_text='13 chữ số do GS1 Việt Nam cấp (nếu có).', max_length=13, validators=[txng.accounts.identifiers.validate_gln], verbose_name='mã GLN của tổ chức'),
        ),
        migrations.AddConstraint(
            model_name='organisation',
            constraint=models.UniqueConstraint(condition=models.Q(('gln', ''), _negated=True), fields=('gln',), name='unique_organisation_gln', violation_error_message='Đã có tổ chức khác dùng mã GLN này.'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='ref',
            field=models.CharField(default='', editable=False, max_length=12),
            preserve_default=False,
        ),
        migrations.RunPython(give_refs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='organisation',
            name='ref',
            field=models.CharField(default=txng.accounts.models.new_ref, editable=False, max_length=12, unique=True),
        ),
    ]
