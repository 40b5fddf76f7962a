"""The public trace page of a lot: what a consumer sees without signing in."""

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from txng.catalog import facts
from txng.catalog.cache import CATALOG_VERSION
from txng.common import pagecache
from txng.tracing import queries
from txng.tracing.cache import TRACE_VERSION, lot_version
from txng.tracing.codes import normalise_trace_code
from txng.tracing.models import Lot


def public_lot(request, code):
    """The public trace page of one lot: the product's items, the lot's, and its journey
    (all ten basic items of Circular 02/2024 when the business recorded them).

    The lot is found on every request; its page is the same for every anonymous visitor and is
    kept in the shared cache under the lot's trace version (bumped by any change to it or to a
    lot upstream), the catalogue's (the product, its producer) and the recalls'."""
    lot = (
        Lot.objects.public_or_visible_to(request.user)
        .select_related(
            "product__business", "product__facility", "product__category", "business", "facility"
        )
        .by_trace_code(normalise_trace_code(code), holder=request.GET.get("tai", "")[:12])
        .first()
    )
    if lot is None:
        raise Http404
    # A recall is read on every request, as the scan page reads it: its warning never waits
    # for a version to move.
    recall = lot.active_recall
    page = pagecache.render_framed(
        request,
        "tracing/public_lot.html",
        lambda _tokens: _public_lot_context(lot, recall),
        # The date: whether the lot has expired is said by date.
        key=(
            "tracing:public-lot",
            lot.pk,
            lot.status,
            recall and (recall.pk, recall.reason),
            get_language(),
            timezone.localdate(),
        ),
        versions=[CATALOG_VERSION, TRACE_VERSION, lot_version(lot.pk)],
    )
    return HttpResponse(page)


def _public_lot_context(lot, recall):
    product = lot.product
    steps = queries.public_timeline(lot)
    return {
        "lot": lot,
        "product": product,
        "producer": product.business,
        # A shop or distributor holding a received lot is not who made the product.
        "holder": lot.business if lot.business_id != product.business_id else None,
        # Others holding goods with this printed code (only on the producer's lot page).
        "holders": lot.holders() if lot.producer_lot else (),
        "steps": steps,
        "recall": recall,
        "facts_lot": lot,
        "facts_missing": facts.missing_items(product, lot, steps),
        "facts_count": facts.count_items(product, lot, steps),
    }
