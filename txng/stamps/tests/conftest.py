import pytest

from txng.stamps.tests.factories import LotFactory, ProductFactory


@pytest.fixture
def product(business):
    return ProductFactory(business=business, name="Hạt dẻ Trùng Khánh", gtin="08934567890007")


@pytest.fixture
def lot(product):
    return LotFactory(product=product, code="HD-2026-01")
