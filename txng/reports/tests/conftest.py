from datetime import timedelta

import pytest
from django.utils import timezone

from txng.catalog.tests.helpers import draft, published
from txng.stamps.models import Scan
from txng.stamps.tests.factories import OrderFactory, make_stamps
from txng.tracing import actions as tracing


@pytest.fixture
def chain(biz_owner, other_biz, dept_officer):
    """The business makes a lot and ships 30 kg of it to other_business, which confirms; plus a
    draft product, 3 counted scans of the business today and 1 a year ago."""
    product = published(biz_owner, dept_officer, name="Hạt dẻ rang")
    draft(biz_owner, name="Hạt dẻ sống")
    lot = tracing.create_lot(actor=biz_owner, product=product, code="LO-01", quantity=100)
    shipment = tracing.ship(
        lot, actor=biz_owner, quantity=30, receiver=other_biz.organisation, invoice_no="HD-0042"
    )
    tracing.confirm_receipt(shipment, actor=other_biz, received_quantity=30)
    order = OrderFactory(product=product, quantity=5, state="ready")
    stamps = make_stamps(order)
    now = timezone.now()
    for at in (now, now, now, now - timedelta(days=400)):
        Scan.objects.create(
            code=stamps[0].code,
            stamp=stamps[0],
            business=biz_owner.organisation,
            product=product,
            result="ok",
            at=at,
        )
    return {"product": product, "lot": lot, "shipment": shipment, "order": order}
