"""Version tokens for what a public trace shows, so pages can cache it safely.

A lot's public timeline holds its own stages and those of every lot upstream of it, so a change
to one lot (a new event, a link, a shipment, the lot's own fields) changes the pages of that lot
and of every lot downstream of it. Each lot has its own token, and a change bumps the tokens of
the lot and of the lots downstream when its transaction commits (one forward walk of the lot
graph, on the writer's side); a product's token, which the product page's ETag holds for its
latest lot's journey, is bumped with its lots'. A diary entry on one farm's lot thus leaves every
other lot's cached pages as they are.

TRACE_VERSION is for what concerns every lot at once or cannot name its lots: recalls and their
lifting (a recall's lots and their holders), and writes made around these paths. Pages hold it
beside the lot's token.
"""

import secrets
from functools import partial

from django.core.cache import cache
from django.db import transaction

from txng.common.cacheversion import CacheVersion
from txng.common.primary import primary_reads

TRACE_VERSION = CacheVersion("tracing:version")
trace_version = TRACE_VERSION.get
bump_trace_version = TRACE_VERSION.bump


def lot_version(lot_id):
    """The token of one lot's public trace (its timeline, holders and fields)."""
    return CacheVersion(f"tracing:lot-version:{int(lot_id)}")


def product_version(product_id):
    return CacheVersion(f"tracing:product-version:{int(product_id)}")


def product_trace_version(product_id):
    """Changes whenever the public trace of any lot of the product may have changed."""
    versions = [TRACE_VERSION, product_version(product_id)]
    found = cache.get_many([version.key for version in versions])
    return "-".join(found.get(version.key) or version.get() for version in versions)


def bump_lots(lot_ids, **_signal_kwargs):
    """New tokens, once the current transaction commits, for these lots, the lots downstream of
    them, the producer lots whose pages list them as holders, and their products."""
    ids = {int(pk) for pk in lot_ids if pk is not None}
    if ids:
        # Worked out now, inside the writer's transaction: a database error here fails the write
        # itself, whereas after the commit it would answer a saved write with a 500 and lose
        # the bump. Only the cache write is left for the commit, and it must not stop the
        # callbacks after it.
        with primary_reads():  # outside a transaction, a replica might not hold the write yet
            keys = _affected_keys(ids)
        transaction.on_commit(partial(_set_new_tokens, keys), robust=True)


def _affected_keys(ids):
    from txng.tracing.models import Lot
    from txng.tracing.queries import trace

    affected = ids | set(trace(ids, direction="forward").forward)
    rows = list(Lot.objects.filter(pk__in=affected).values_list("product_id", "trace_code"))
    # A producer lot's page lists every holder of its printed code however far downstream
    # (Lot.holders): a receipt two deliveries away changes it too.
    codes = {code for _product, code in rows if code}
    if codes:
        affected |= set(
            Lot.objects.filter(trace_code__in=codes, producer_lot=True).values_list("pk", flat=True)
        )
    keys = [lot_version(pk).key for pk in affected]
    keys += [product_version(pk).key for pk in {product for product, _code in rows}]
    return keys


def _set_new_tokens(keys):
    cache.set_many({key: secrets.token_hex(8) for key in keys}, timeout=None)


# Signal receivers (apps.py): single saves and deletes, such as the admin's or a correction's.
# Bulk writes call bump_lots themselves.
def lot_changed(instance, **_kwargs):
    bump_lots([instance.pk])


def event_lot_changed(instance, **_kwargs):
    bump_lots([instance.lot_id])


def link_changed(instance, **_kwargs):
    bump_lots([instance.parent_id, instance.child_id])


def shipment_changed(instance, **_kwargs):
    bump_lots([instance.lot_id, instance.received_lot_id])


def event_changed(instance, created=False, **_kwargs):
    # A new event has no lot rows yet: whoever adds them bumps their lots.
    if not created:
        from txng.tracing.models import EventLot

        bump_lots(EventLot.objects.filter(event_id=instance.pk).values_list("lot_id", flat=True))
