"""Stars typed on a product before OCOP scoring existed become pending applications (their
claim kept for the commune to see), before catalog drops the column."""

from django.db import migrations

GROUP_BY_CATEGORY = {"do-uong": "drink", "duoc-lieu": "herbal", "thu-cong": "craft"}


def forward(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    Application = apps.get_model("ocop", "Application")
    for product in Product.objects.exclude(ocop_stars=None).select_related("category"):
        slug = product.category.slug if product.category_id else ""
        Application.objects.create(
            product=product,
            business_id=product.business_id,
            group=GROUP_BY_CATEGORY.get(slug, "food"),
            claimed_stars=product.ocop_stars,
            note="Số sao khai trước đây trên sản phẩm; cần xã sơ loại và Hội đồng chấm lại.",
        )


def backward(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    Application = apps.get_model("ocop", "Application")
    for app in Application.objects.exclude(claimed_stars=None):
        Product.objects.filter(pk=app.product_id).update(ocop_stars=app.claimed_stars)
        app.delete()


class Migration(migrations.Migration):
    dependencies = [("ocop", "0001_initial"), ("catalog", "0006_merge_stars_and_limits")]
    # Copy while the column still exists.
    run_before = [("catalog", "0007_remove_self_declared_ocop_stars")]

    operations = [migrations.RunPython(forward, backward)]
