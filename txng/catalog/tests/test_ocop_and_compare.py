"""OCOP stars never come from the business; a new product's review compares against nothing; the
net content names its unit once (issue 17)."""

import pytest
from django.urls import reverse

from txng.catalog import actions
from txng.catalog.compare import compare, product_baseline
from txng.catalog.forms import ProductForm
from txng.catalog.models import Product
from txng.catalog.tests.helpers import draft, product_data, published

pytestmark = pytest.mark.django_db


def test_business_product_form_has_no_ocop_stars(business):
    assert "ocop_stars" not in ProductForm(business=business).fields


def test_stars_in_a_business_draft_never_reach_the_product(biz_owner, dept_officer):
    product, rev = draft(biz_owner, **product_data(name="Bánh khảo"))
    rev.data["ocop_stars"] = 5  # a crafted post, or a draft from before the change
    rev.save()
    actions.submit_revision(rev, actor=biz_owner)
    actions.approve_revision(rev, actor=dept_officer)
    product.refresh_from_db()
    assert not hasattr(product, "ocop_stars")


def test_new_product_under_review_compares_as_new(client, biz_owner, dept_officer):
    product, rev = draft(biz_owner)
    actions.submit_revision(rev, actor=biz_owner)
    assert product_baseline(product) is None
    rows = compare(product_baseline(product), rev.data, all_rows=True)
    assert rows and all(r["is_new"] and r["old"] == "" for r in rows)
    client.force_login(dept_officer)
    html = client.get(reverse("catalog:revision", args=[rev.pk])).content.decode()
    assert html.count("Hạt dẻ Trùng Khánh rang củi") >= 1
    assert ">mới<" in html
    assert "đổi</span>" not in html


def test_change_to_a_published_product_compares_with_the_public_version(biz_owner, dept_officer):
    product = published(biz_owner, dept_officer)
    rev = actions.save_product_draft(
        product, actor=biz_owner, data=product_data(shelf_life="8 tháng")
    )
    rows = compare(product_baseline(product), rev.data)
    assert [(r["old"], r["new"], r["is_new"]) for r in rows] == [("6 tháng", "8 tháng", False)]


@pytest.mark.parametrize(
    "net, unit, shown",
    [
        ("500 g", "túi", "500 g / túi"),
        ("500 g / túi", "túi", "500 g / túi"),
        ("500g/Túi", "túi", "500g/Túi"),
        ("500 g", "", "500 g"),
        ("", "hộp", "hộp"),
    ],
)
def test_net_content_names_its_unit_once(net, unit, shown):
    assert Product(net_content=net, unit=unit).size_label == shown
