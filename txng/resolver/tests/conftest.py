import pytest

from txng.catalog.models import Facility
from txng.catalog.tests.helpers import published
from txng.stamps.models import StampState
from txng.stamps.tests.factories import OrderFactory, make_stamps
from txng.tracing import actions as tracing_actions

GTIN = "08934567890007"
FACILITY_GLN = "8934567000017"
PARTY_GLN = "8934567000024"


@pytest.fixture
def product(biz_owner, dept_officer):
    return published(biz_owner, dept_officer, name="Miến dong", gtin=GTIN)


@pytest.fixture
def lot(product, biz_owner):
    return tracing_actions.create_lot(
        actor=biz_owner, product=product, code="BHD-2026-10", quantity=100
    )


@pytest.fixture
def stamp(product, lot):
    order = OrderFactory(product=product, lot=lot, quantity=1, state="ready")
    (stamp,) = make_stamps(order, state=StampState.ACTIVATED, lot=lot)
    return stamp


@pytest.fixture
def facility(business):
    return Facility.objects.create(
        business=business, name="Xưởng miến Nguyên Bình", kind="farm", gln=FACILITY_GLN
    )


@pytest.fixture
def party(business):
    business.gln = PARTY_GLN
    business.save(update_fields=["gln"])
    return business
