"""Finding the stamp behind a scanned code, with what the scan page shows about it.

Every stamp of a print order shows the same product, producer and facility, so the order is
kept in the cache (dropped whenever one of them changes) rather than joined on every scan.
"""

from django.core.cache import cache
from django.db.models import OuterRef, Subquery

from txng.common.cacheversion import CacheVersion
from txng.common.localmemo import LocalMemo
from txng.stamps.models import PrintOrder, Stamp
from txng.tracing.models import RecallLot

ORDER_KEY = "stamps:scan-order:{pk}:{version}"
ORDER_SECONDS = 60  # what a save that bypasses signals (a queryset update) may lag by

# Bumped when a print order, product, business or facility changes (signals in apps.py).
_order_version = CacheVersion("stamps:scan-order-version")
order_version = _order_version.get
bump_order_version = _order_version.bump


# The same entries kept in this process as objects too, sparing an unpickling on every scan.
_local = LocalMemo(ORDER_SECONDS)


def cached_order(pk):
    """The print order with its product, producer and facility: the same for every stamp on
    it, so kept in the cache rather than joined on every scan."""
    key = ORDER_KEY.format(pk=pk, version=order_version())
    order = _local.get(key)
    if order is not None:
        return order
    order = cache.get(key)
    if order is None:
        order = PrintOrder.objects.select_related("product__business", "product__facility").get(
            pk=pk
        )
        cache.set(key, order, ORDER_SECONDS)
    _local.set(key, order)
    return order


def find_stamp(code):
    """The stamp with its lot and the lot's open recall (read live, in the same query: a recall
    shows on the very next scan) and its print order (from the cache)."""
    recalls = RecallLot.objects.open_for(OuterRef("lot_id"))
    stamp = (
        Stamp.objects.select_related("lot")
        .annotate(
            recall_id=Subquery(recalls.values("recall_id")[:1]),
            recall_reason=Subquery(recalls.values("recall__reason")[:1]),
        )
        .filter(code=code)
        .first()
    )
    if stamp is not None:
        stamp.order = cached_order(stamp.order_id)
    return stamp
