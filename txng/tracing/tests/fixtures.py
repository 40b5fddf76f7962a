"""A published product with one lot, as the feedback and app tests both start from; a conftest
imports these fixtures by name."""

from datetime import timedelta

import pytest
from django.utils import timezone

from txng.catalog.tests.helpers import published
from txng.tracing import actions as tracing_actions


@pytest.fixture
def product(biz_owner, dept_officer):
    return published(biz_owner, dept_officer, name="Hạt dẻ Trùng Khánh", gtin="08934567890007")


@pytest.fixture
def lot(product, biz_owner):
    today = timezone.localdate()
    return tracing_actions.create_lot(
        actor=biz_owner,
        product=product,
        code="HD-2026-01",
        quantity=100,
        production_date=today - timedelta(days=10),
        expiry_date=today + timedelta(days=100),
    )
