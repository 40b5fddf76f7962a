"""A received lot of a GTIN product carries the code printed on its label, the producer's
(01)…(10)… code: trace codes are unique only among the producing business's lots.

Lots already received got an internal VN.… code; those whose label code can be derived (a
receipt from a lot on the platform that carries a GS1 code, or a GTIN product's lot bought off
the platform) get it here. Events already recorded keep the code they named (events are never
edited), and the code they named is kept as the lot's former code, so a lookup by it (the
public page, the trace API, the resolver's /id/lot/<code>) still finds the lot; the new code is
the lot's from now on. Reversed, each lot has a code of its own again (own_codes), as the
unique trace_code it goes back to requires."""

from django.db import migrations, models
from django.db.models import F


def label_codes(apps, schema_editor):
    Lot = apps.get_model("tracing", "Lot")
    LotLink = apps.get_model("tracing", "LotLink")
    held = Lot.objects.exclude(business_id=F("product__business_id")).values("pk")
    Lot.objects.filter(pk__in=held).update(producer_lot=False)
    # In creation order: a lot received from a lot that was itself received takes the code its
    # source has just been given.
    received = (
        Lot.objects.filter(producer_lot=False)
        .exclude(product__gtin="")
        .select_related("product")
        .order_by("pk")
    )
    for lot in received.iterator():
        link = (
            LotLink.objects.filter(child_id=lot.pk, kind="shipment")
            .select_related("parent")
            .order_by("pk")
            .first()
        )
        if link is not None:
            code = link.parent.trace_code
        else:  # bought off the platform: the GTIN and its own lot number are on the label
            code = f"(01){lot.product.gtin.zfill(14)}(10){lot.code}"
        if code.startswith("(01)") and code != lot.trace_code:
            Lot.objects.filter(pk=lot.pk).update(trace_code=code, former_trace_code=lot.trace_code)


def own_codes(apps, schema_editor):
    """Back to one code per lot, so that trace_code can be unique again: a lot given its label
    code here takes back the code it had; a lot received since, which shares its producer's
    code, gets a fresh internal code (its events keep naming the label code, as they name the
    code they named). The producer's lot, else the earliest, keeps a code still shared."""
    from txng.accounts import provinces
    from txng.common.codes import random_code

    Lot = apps.get_model("tracing", "Lot")
    Lot.objects.exclude(former_trace_code="").update(trace_code=F("former_trace_code"))
    shared = (
        Lot.objects.order_by()
        .values("trace_code")
        .annotate(n=models.Count("pk"))
        .filter(n__gt=1)
        .values_list("trace_code", flat=True)
    )
    province = provinces.current().code
    for code in list(shared):
        lots = Lot.objects.filter(trace_code=code).order_by("-producer_lot", "pk")
        for lot in list(lots)[1:]:
            fresh = f"VN.{province}.{random_code(10)}.{lot.code}"[:80]
            Lot.objects.filter(pk=lot.pk).update(trace_code=fresh)


class Migration(migrations.Migration):
    dependencies = [
        ("tracing", "0010_machine_written_text_not_editable"),
    ]

    operations = [
        migrations.AddField(
            model_name="lot",
            name="producer_lot",
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.AddField(
            model_name="lot",
            name="former_trace_code",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=80),
        ),
        migrations.AlterField(
            model_name="lot",
            name="trace_code",
            field=models.CharField(
                db_index=True,
                default="",
                editable=False,
                max_length=80,
                verbose_name="mã truy vết sản phẩm",
            ),
        ),
        migrations.RunPython(label_codes, own_codes),
        migrations.AddConstraint(
            model_name="lot",
            constraint=models.UniqueConstraint(
                condition=models.Q(("producer_lot", True)),
                fields=("trace_code",),
                name="lot_trace_code_unique_at_producer",
            ),
        ),
    ]
