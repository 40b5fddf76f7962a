"""An official deciding a print order while the business cancels it, at the same moment."""

import pytest
from django.db import connection

from txng.audit.models import AuditEntry
from txng.common.tests.races import assert_one_won, race
from txng.stamps import actions
from txng.stamps.models import PrintOrder
from txng.stamps.tests.factories import OrderFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL"),
]


def test_reject_and_cancel_at_once_leave_one_transition(product, biz_owner, dost_admin):
    order = OrderFactory(product=product, quantity=4, state="submitted")
    outcomes = race(
        lambda: PrintOrder.objects.get(pk=order.pk),
        lambda o: actions.reject_order(o, actor=dost_admin, reason="Sai sản phẩm"),
        lambda o: actions.cancel_order(o, actor=biz_owner),
    )
    assert_one_won(outcomes)
    moves = AuditEntry.objects.filter(action__in=["stamps.order_reject", "stamps.order_cancel"])
    assert moves.count() == 1
    order.refresh_from_db()
    assert moves.get().changes["state"] == ["submitted", order.state]
