"""What a search box finds besides products: businesses by name, a lot by its lot code or
trace code, a stamp by its code. Only what the public may see: active businesses with a
public profile, lots of published products."""

from django.db.models import Q

from txng.accounts.models import Organisation, OrgStatus
from txng.catalog.models import PublicState
from txng.catalog.search import search_businesses
from txng.stamps import codes as stamp_codes
from txng.stamps.models import Stamp
from txng.tracing.codes import normalise_trace_code
from txng.tracing.models import Lot

MAX_BUSINESSES = 6
MAX_LOTS = 10


def find_businesses(query):
    public = (
        Organisation.objects.businesses()
        .filter(status=OrgStatus.ACTIVE)
        .exclude(profile__state=PublicState.WITHDRAWN)
    )
    return list(search_businesses(public, query)[:MAX_BUSINESSES])


def find_codes(query):
    """{"lots": [...], "stamp_code": code or ""} for a query that is a code."""
    text = query.strip()
    stamp_code = ""
    typed = stamp_codes.normalise(text)
    if stamp_codes.verify(typed) and Stamp.objects.filter(code=typed).exists():
        stamp_code = typed
    if not text or " " in text or len(text) > 80:
        return {"lots": [], "stamp_code": stamp_code}
    lots = list(
        Lot.objects.public()
        .filter(Q(trace_code=normalise_trace_code(text)) | Q(code__iexact=text))
        .select_related("product", "business")
        .order_by("-production_date", "-created_at")[:MAX_LOTS]
    )
    return {"lots": lots, "stamp_code": stamp_code}
