"""Public trace JSON: `/api/v1/trace/<product trace code>`; more detail when logged in."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Router

from txng.catalog.cache import CATALOG_VERSION
from txng.common import pagecache
from txng.tracing.cache import TRACE_VERSION, lot_version
from txng.tracing.codes import normalise_trace_code
from txng.tracing.models import Lot, RecallLot
from txng.tracing.queries import clamp_depth, trace_json

router = Router(tags=["trace"])


@router.get("/trace/{path:code}", summary="Truy xuất theo mã truy vết sản phẩm")
def trace_by_code(request, code: str, depth: int = 50, tai: str = ""):
    """The producer's lot of that code; `tai=<ref>` (as in `holders[].url`) a holder's lot."""
    lot = (
        Lot.objects.public_or_visible_to(request.user)
        .select_related("product", "business")
        .by_trace_code(normalise_trace_code(code), holder=tai[:12])
        .first()
    )
    if lot is None:
        raise Http404
    depth = clamp_depth(depth)
    if request.user.is_authenticated:
        return trace_json(request.user, lot, depth=depth)
    # What the public sees of a lot is the same for everyone, whatever the depth (the graph is
    # for signed-in users): kept until the lot's trace, the catalogue or the recalls change (the
    # labels are in the request's language). Its recall is read on every request, as the scan
    # page reads it: the warning never waits for a version to move.
    recall = RecallLot.objects.open_for(lot).values_list("recall_id", "recall__reason").first()
    return pagecache.cached(
        ("tracing:api-trace", lot.pk, lot.status, recall, get_language(), timezone.localdate()),
        [CATALOG_VERSION, TRACE_VERSION, lot_version(lot.pk)],
        lambda: trace_json(request.user, lot, depth=depth),
    )
