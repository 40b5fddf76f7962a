"""OCOP stars come from an authority; a new product's review compares against nothing; the
net content names its unit once (issue 17)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from txng.audit.models import AuditEntry
from txng.catalog import actions
from txng.catalog.compare import compare, product_baseline
from txng.catalog.forms import ProductForm
from txng.catalog.models import Product
from txng.catalog.tests.helpers import draft, product_data, published

pytestmark = pytest.mark.django_db

REASON = "QĐ 123/QĐ-UBND công nhận sản phẩm OCOP 4 sao"


def test_business_product_form_has_no_ocop_stars(business):
    assert "ocop_stars" not in ProductForm(business=business).fields


def test_stars_in_a_business_draft_never_reach_the_product(biz_owner, dept_officer):
    product, rev = draft(biz_owner, **product_data(name="Bánh khảo"))
    rev.data["ocop_stars"] = 5  # a crafted post, or a draft from before the change
    rev.save()
    actions.submit_revision(rev, actor=biz_owner)
    actions.approve_revision(rev, actor=dept_officer)
    product.refresh_from_db()
    assert product.ocop_stars is None


def test_managing_authority_sets_stars_with_an_audited_reason(client, biz_owner, dept_officer):
    product = published(biz_owner, dept_officer)
    client.force_login(dept_officer)
    response = client.post(
        reverse("catalog:set_ocop", args=[product.pk]), {"stars": "4", "reason": REASON}
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.ocop_stars == 4 and product.ocop_set_by == dept_officer.organisation
    entry = AuditEntry.objects.get(action="catalog.set_ocop_stars")
    assert entry.reason == REASON and entry.changes["ocop_stars"] == [None, 4]
    public = client.get(product.get_absolute_url()).content.decode()
    assert "4 sao" in public


def test_stars_need_a_reason(biz_owner, dept_officer):
    product = published(biz_owner, dept_officer)
    with pytest.raises(ValidationError):
        actions.set_ocop_stars(product, actor=dept_officer, stars=3, reason=" ")


def test_business_and_other_agencies_cannot_set_stars(
    biz_owner, dept_officer, other_commune_officer, client
):
    product = published(biz_owner, dept_officer)
    with pytest.raises(PermissionDenied):
        actions.set_ocop_stars(product, actor=biz_owner, stars=5, reason=REASON)
    with pytest.raises(PermissionDenied):
        actions.set_ocop_stars(product, actor=other_commune_officer, stars=5, reason=REASON)
    client.force_login(biz_owner)
    response = client.post(
        reverse("catalog:set_ocop", args=[product.pk]), {"stars": "5", "reason": REASON}
    )
    assert response.status_code == 403
    assert Product.objects.get(pk=product.pk).ocop_stars is None


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
