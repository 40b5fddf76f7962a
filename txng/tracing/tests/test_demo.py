import io

import pytest
from django.core.management import call_command

from txng.tracing.models import Event, Lot, LotStatus
from txng.tracing.queries import public_timeline, trace

pytestmark = pytest.mark.django_db


def test_demo_has_a_four_business_chain_a_return_and_a_recall(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    shop_lot = Lot.objects.get(
        product__name="Bánh hạt dẻ Non Nước", business__name__contains="Thục"
    )
    upstream = Lot.objects.filter(pk__in=trace([shop_lot.pk], "back").lot_ids)
    assert upstream.values("business").distinct().count() >= 3  # + the shop = 4 businesses
    assert {s.business for s in public_timeline(shop_lot)} >= set(
        Lot.objects.filter(pk__in=upstream).values_list("business", flat=True).distinct()
        and [lot.business for lot in upstream]
    )
    assert Event.objects.filter(type="TransformationEvent").count() >= 2
    pallet = Event.objects.filter(type="AggregationEvent").values_list("action", "business")
    assert {action for action, _b in pallet} == {"ADD", "DELETE"}  # packed, later unpacked
    assert len({business for _a, business in pallet}) == 2  # by the shipper, then the receiver
    assert Event.objects.filter(disposition="returned").exists()
    recalled = Lot.objects.filter(status=LotStatus.RECALLED)
    assert recalled.values("business").distinct().count() == 3  # maker, distributor, shop
    assert recalled.first().active_recall.reason
