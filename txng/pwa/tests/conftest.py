import pytest

from txng.stamps.models import StampState
from txng.stamps.tests.factories import OrderFactory, make_stamps
from txng.tracing.tests.fixtures import lot, product  # noqa: F401 - fixtures used by name


@pytest.fixture
def stamp(product, lot):  # noqa: F811 - the imported fixtures, by name
    """A stamp activated on the lot."""
    order = OrderFactory(product=product, lot=lot, quantity=2, state="ready")
    return make_stamps(order, state=StampState.ACTIVATED, lot=lot)[0]
