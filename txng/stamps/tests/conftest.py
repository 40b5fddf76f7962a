import pytest

from txng.catalog.tests.helpers import published
from txng.stamps.models import StampState
from txng.stamps.tests.factories import OrderFactory, make_stamps

# The lot (made through tracing's own actions, so it has a commissioning event) of this
# conftest's product.
from txng.tracing.tests.fixtures import lot  # noqa: F401


@pytest.fixture
def product(biz_owner, dept_officer):
    """A published product, made through the catalog's own actions."""
    return published(
        biz_owner, dept_officer, name="Hạt dẻ Trùng Khánh", gtin="08934567890007", ocop_stars=4
    )


@pytest.fixture
def order(product, lot):  # noqa: F811 - the imported fixture, asked for by name
    return OrderFactory(product=product, lot=lot, quantity=4, state="ready")


@pytest.fixture
def stamps(order, lot):  # noqa: F811 - the imported fixture, asked for by name
    """Four stamps: the first activated on the lot, the second voided, two printed."""
    stamps = make_stamps(order, state=StampState.PRINTED)
    stamps[0].state, stamps[0].lot = StampState.ACTIVATED, lot
    stamps[0].save()
    stamps[1].state, stamps[1].void_reason = StampState.VOIDED, "Mất cuộn"
    stamps[1].save()
    return stamps
