"""Small builders for catalog tests: products go through the real actions."""

from txng.catalog import actions
from txng.catalog.models import Category, Facility


def product_data(**overrides):
    data = {
        "name": "Hạt dẻ Trùng Khánh rang củi",
        "category": None,
        "brand": "Hạt dẻ Trùng Khánh",
        "gtin": "",
        "description": "Rang bằng củi.",
        "unit": "túi",
        "net_content": "500 g",
        "ingredients": "",
        "standards": "TCCS 01:2024",
        "shelf_life": "6 tháng",
        "storage": "",
        "facility": None,
    }
    data.update(overrides)
    return data


def draft(owner, **overrides):
    product, rev = actions.create_product(
        owner.organisation, actor=owner, data=product_data(**overrides)
    )
    return product, rev


def published(owner, reviewer, *, ocop_stars=None, **overrides):
    """A published product; OCOP stars, if any, from a recognised OCOP result."""
    product, rev = draft(owner, **overrides)
    actions.submit_revision(rev, actor=owner)
    actions.approve_revision(rev, actor=reviewer)
    if ocop_stars:
        from txng.ocop.tests.helpers import result_for  # tests may set up any app's data

        result_for(product, stars=ocop_stars)
    product.refresh_from_db()
    return product


def category(name="Hạt, quả", slug="hat-qua"):
    return Category.objects.get_or_create(slug=slug, defaults={"name": name})[0]


def facility(business, **fields):
    fields.setdefault("name", "Vùng trồng Đình Phong")
    fields.setdefault("kind", "farm")
    return Facility.objects.create(business=business, **fields)
