"""Finding the stamp behind a scanned code, with what the scan page shows about it.

Every stamp of a print order shows the same product, producer and facility, so the order is
kept in the shared cache under two versions (apps.py): ORDER_VERSION, which any change to a
product, business or facility bumps, and the order's own, which a change to that order bumps.
An order being approved or printed thus leaves every other order's scan pages kept.
"""

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Subquery

from txng.common.cacheversion import CacheVersion
from txng.common.primary import primary_reads
from txng.stamps.models import PrintOrder, Signal, Stamp
from txng.tracing.models import RecallLot

ORDER_SECONDS = 3600  # versioned: the timeout only frees the space

# Bumped when a product, business or facility changes (signals in apps.py).
ORDER_VERSION = CacheVersion("stamps:scan-order-version")
order_version = ORDER_VERSION.get
bump_order_version = ORDER_VERSION.bump


def one_order_version(pk):
    """Bumped when this print order changes."""
    return CacheVersion(f"stamps:order-version:{int(pk)}")


def order_versions(pk):
    """The versions a print order's cached copy (and the pages showing it) are kept under."""
    return [ORDER_VERSION, one_order_version(pk)]


def bump_one_order(instance, **_signal_kwargs):
    one_order_version(instance.pk).bump()


def order_token(pk, tokens=None):
    """The token cached_order takes: the order's versions' tokens (given, or read in one
    round trip)."""
    if tokens is None:
        versions = order_versions(pk)
        found = cache.get_many([version.key for version in versions])
        tokens = [found.get(version.key) or version.get() for version in versions]
    return "-".join(tokens)


def cached_order(pk, version):
    """The print order with its product, producer and facility, as of `version`."""
    key = f"stamps:scan-order:{pk}:{version}"
    order = cache.get(key)
    if order is None:
        with primary_reads():  # kept under `version`, which moved on the primary
            order = PrintOrder.objects.select_related("product__business", "product__facility").get(
                pk=pk
            )
        cache.set(key, order, ORDER_SECONDS)
    return order


def find_stamp(code, version=None):
    """The stamp with its lot, the lot's open recall and whether its code is on the counterfeit
    list (`flagged`: a signal was raised for it), all read live in one query so that a recall
    or a signal shows on the very next scan; and its print order (from the cache, as of
    `version`)."""
    recalls = RecallLot.objects.open_for(OuterRef("lot_id"))
    stamp = (
        Stamp.objects.select_related("lot")
        .annotate(
            recall_id=Subquery(recalls.values("recall_id")[:1]),
            recall_reason=Subquery(recalls.values("recall__reason")[:1]),
            flagged=Exists(Signal.objects.filter(code=OuterRef("code"))),
        )
        .filter(code=code)
        .first()
    )
    if stamp is not None:
        stamp.order = cached_order(stamp.order_id, version or order_token(stamp.order_id))
    return stamp
