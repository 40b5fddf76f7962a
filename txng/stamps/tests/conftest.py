import pytest

from txng.catalog.tests.helpers import published
from txng.stamps.tests.factories import LotFactory


@pytest.fixture
def product(biz_owner, dept_officer):
    """A published product, made through the catalog's own actions."""
    return published(biz_owner, dept_officer, name="Hạt dẻ Trùng Khánh", gtin="08934567890007")


@pytest.fixture
def lot(product):
    return LotFactory(product=product, code="HD-2026-01")


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and cached page parts live in the cache; each test starts without them.
    from django.core.cache import cache

    cache.clear()
