"""Public trace JSON: `/api/v1/trace/<product trace code>`; more detail when logged in."""

from django.http import Http404
from ninja import Router

from txng.tracing.codes import normalise_trace_code
from txng.tracing.models import Lot
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
    return trace_json(request.user, lot, depth=clamp_depth(depth))
