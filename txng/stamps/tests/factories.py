from datetime import timedelta

import factory
from django.utils import timezone

from txng.catalog.models import Product
from txng.stamps import codes
from txng.stamps.models import PrintOrder, Stamp
from txng.tracing.models import Lot


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Hạt dẻ loại {n}")
    # Stamps are ordered only for approved products; a draft is made explicitly when wanted.
    state = "published"


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    business = factory.LazyAttribute(lambda o: o.product.business)
    code = factory.Sequence(lambda n: f"L{n:04d}")
    production_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    expiry_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=100))


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrintOrder

    business = factory.LazyAttribute(lambda o: o.product.business)
    quantity = 10


def make_stamps(order, state="generated", lot=None):
    """Stamps for serials 1..quantity without the background task (for page tests)."""
    Stamp.objects.bulk_create(
        Stamp(order=order, serial=s, code=codes.new_code(), state=state, lot=lot)
        for s in range(1, order.quantity + 1)
    )
    PrintOrder.objects.filter(pk=order.pk).update(generated=order.quantity)
    return list(order.stamps.order_by("serial"))
