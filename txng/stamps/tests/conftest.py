from datetime import timedelta

import pytest
from django.utils import timezone

from txng.catalog.tests.helpers import published
from txng.tracing import actions as tracing_actions


@pytest.fixture
def product(biz_owner, dept_officer):
    """A published product, made through the catalog's own actions."""
    return published(biz_owner, dept_officer, name="Hạt dẻ Trùng Khánh", gtin="08934567890007")


@pytest.fixture
def lot(product, biz_owner):
    """A lot made through tracing's own actions (so it has a commissioning event)."""
    today = timezone.localdate()
    return tracing_actions.create_lot(
        actor=biz_owner,
        product=product,
        code="HD-2026-01",
        quantity=100,
        production_date=today - timedelta(days=10),
        expiry_date=today + timedelta(days=100),
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and cached page parts live in the cache; each test starts without them.
    from django.core.cache import cache

    cache.clear()
