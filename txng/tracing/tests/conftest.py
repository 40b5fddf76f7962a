import pytest

from txng.accounts.tests.factories import BusinessFactory, UserFactory
from txng.catalog.models import Facility, Product
from txng.tracing import actions


def make_product(business, name="Hạt dẻ", gtin="", state="published"):
    """A published product (its lots are public); pass state="draft" for an unapproved one."""
    facility = Facility.objects.create(business=business, name=f"Xưởng {business.pk}", kind="farm")
    return Product.objects.create(
        business=business, name=name, gtin=gtin, facility=facility, state=state
    )


@pytest.fixture
def product(business):
    return make_product(business, "Hạt dẻ Trùng Khánh tươi", gtin="8930000000019")


@pytest.fixture
def other_product(other_business):
    return make_product(other_business, "Bánh hạt dẻ")


@pytest.fixture
def lot(biz_owner, product):
    return actions.create_lot(actor=biz_owner, product=product, code="HD-01", quantity=100)


@pytest.fixture
def third_business(db, department):
    biz = BusinessFactory(name="Cửa hàng Thục Phán")
    biz.managers.set([department])
    return biz


@pytest.fixture
def third_owner(third_business):
    return UserFactory(organisation=third_business, role="owner", username="shop_owner")


def ship_and_receive(lot, sender, receiver_user, quantity, received=None):
    shipment = actions.ship(
        lot, actor=sender, quantity=quantity, receiver=receiver_user.organisation
    )
    return actions.confirm_receipt(
        shipment,
        actor=receiver_user,
        received_quantity=received or quantity,
        note="" if received in (None, quantity) else "hao hụt",
    )
