"""The home page's queries do not grow with the categories and businesses it lists."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from txng.accounts.tests.factories import AuthorityFactory, BusinessFactory, UserFactory
from txng.catalog.cache import CATALOG_VERSION
from txng.catalog.models import Category
from txng.catalog.tests.helpers import published

pytestmark = pytest.mark.django_db


def _home_queries(client, url="/"):
    # The page itself is kept under the catalogue's version (the tests change rows without
    # committing, so no version moves): a new token makes each request below render it.
    cache.delete(CATALOG_VERSION.key)
    client.get(url)  # what the site keeps in the shared cache (its province, ...) is read once
    cache.delete(CATALOG_VERSION.key)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _tree(name, depth):
    node = root = Category.objects.create(name=name, slug=name.lower())
    for level in range(depth):
        node = Category.objects.create(name=f"{name} {level}", slug=f"{name}-{level}", parent=node)
    return root, node


def _business_with_product(name, reviewer):
    biz = BusinessFactory(name=name, commune=AuthorityFactory(kind="commune", name=f"Xã {name}"))
    biz.managers.set([reviewer.organisation])
    owner = UserFactory(organisation=biz, role="owner", username=f"owner-{name}")
    return published(owner, reviewer, name=f"Sản phẩm {name}")


def test_home_counts_a_subtrees_products_without_a_query_per_category(
    client, biz_owner, dept_officer
):
    _root, leaf = _tree("Nông sản", 2)
    published(biz_owner, dept_officer, name="Hạt dẻ", category=leaf.pk)
    before, html = _home_queries(client)
    # The product sits two levels down: its top-level heading counts it.
    assert "Nông sản <small>(1)</small>" in html
    for name in ("Đặc sản", "Thủ công", "Dược liệu"):
        _tree(name, 3)
    after, _html = _home_queries(client)
    assert after == before


def test_home_lists_businesses_and_their_commune_without_a_query_each(
    client, biz_owner, dept_officer
):
    published(biz_owner, dept_officer, name="Hạt dẻ")
    before, html = _home_queries(client)
    assert biz_owner.organisation.commune.name in html
    for name in ("HTX Một", "HTX Hai", "HTX Ba"):
        _business_with_product(name, dept_officer)
    after, html = _home_queries(client)
    assert "Xã HTX Ba" in html
    # The three new product cards and businesses add no query of their own.
    assert after == before


def test_search_lists_sub_categories_without_a_query_each(client, biz_owner, dept_officer):
    _root, leaf = _tree("Nông sản", 2)
    published(biz_owner, dept_officer, name="Hạt dẻ", category=leaf.pk)
    before, html = _home_queries(client, "/search/?q=hat")
    assert "Nông sản 0 › Nông sản 1" in html
    for name in ("Đặc sản", "Thủ công", "Dược liệu"):
        _tree(name, 3)
    after, _html = _home_queries(client, "/search/?q=hat")
    assert after == before
