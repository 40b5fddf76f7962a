"""The stars of a valid result on the scan page and the product cards, through the slots; the
product page's ETag moves when a result is revoked."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from txng.catalog.tests.helpers import published
from txng.ocop.tests.helpers import result_for
from txng.stamps.models import StampState
from txng.stamps.tests.factories import OrderFactory, make_stamps
from txng.tracing import actions as tracing

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(biz_owner, dept_officer):
    return published(biz_owner, dept_officer, name="Trà xanh Phja Đén")


def test_scan_page_shows_stars_of_a_valid_result_only(
    client, product, biz_owner, django_capture_on_commit_callbacks
):
    lot = tracing.create_lot(actor=biz_owner, product=product, code="T1", quantity=5)
    order = OrderFactory(product=product, lot=lot, quantity=1, state="ready")
    tracing_stamp = make_stamps(order, state=StampState.ACTIVATED, lot=lot)[0].code
    result = result_for(product, stars=3, decision="5/QĐ-UBND")
    html = client.get(reverse("stamps:scan", args=[tracing_stamp])).content.decode()
    assert "OCOP 3 sao" in html and "5/QĐ-UBND" in html
    with django_capture_on_commit_callbacks(execute=True):
        result.revoked_at = timezone.now()
        result.save()
    html = client.get(reverse("stamps:scan", args=[tracing_stamp])).content.decode()
    assert "OCOP 3 sao" not in html


def test_cards_show_stars_with_one_query_for_the_page(client, product, biz_owner, dept_officer):
    result_for(product, stars=4)
    others = [published(biz_owner, dept_officer, name=f"Miến dong {i}") for i in range(3)]
    for p in others:
        result_for(p, stars=3)
    html = client.get(reverse("public:search")).content.decode()
    assert html.count("★★★★ OCOP") == 1 and html.count("★★★ OCOP") == 4  # 4★ card holds ★★★ too


def test_product_page_etag_changes_when_a_result_is_revoked(client, product):
    result = result_for(product, stars=4, recognised_on=timezone.localdate() - timedelta(days=1))
    first = client.get(product.get_absolute_url())
    assert "OCOP 4 sao" in first.content.decode()
    result.revoked_at = timezone.now()
    result.save()
    second = client.get(product.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and "OCOP 4 sao" not in second.content.decode()
