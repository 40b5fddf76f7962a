"""What this app adds to the lower apps' pages through txng.common.slots: the OCOP stars of a
valid result on the product, card and scan pages; the "participating" badge on a business's
page; the workspace side menu."""

from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from txng.ocop.models import CertState, Result


def _stars(request, result, big=False):
    if result is None:
        return None
    return mark_safe(  # noqa: S308 - render_to_string escapes
        render_to_string("ocop/_stars_block.html", {"result": result, "big": big}, request)
    )


def product_summary(request, product, **_ctx):
    return _stars(request, Result.objects.for_product(product), big=True)


def scan_main(request, product=None, product_public=False, **_ctx):
    # One query, and only for a product the public may see.
    if product is None or not product_public:
        return None
    return _stars(request, Result.objects.for_product(product))


def card_badge(request, product, **_ctx):
    """Cards come 24 at a time: one query per page for every valid result, not one per card."""
    cache = getattr(request, "_ocop_stars", None) if request is not None else None
    if cache is None:
        cache = dict(Result.objects.valid().order_by("stars").values_list("product_id", "stars"))
        if request is not None:
            request._ocop_stars = cache
    stars = cache.get(product.pk)
    if not stars:
        return None
    return mark_safe(  # noqa: S308 - render_to_string escapes
        render_to_string("ocop/_card_badge.html", {"stars": stars}, request)
    )


def results_version():
    """Changes when a result is added, revoked or edited, and every day (results expire)."""
    agg = Result.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    last = agg["last"].timestamp() if agg["last"] else 0
    return f"{timezone.localdate().isoformat()}.{agg['n']}.{last}"


def business_badge(request, org, **_ctx):
    for cert in org.txng_certificates.filter(revoked_at__isnull=True).prefetch_related("products"):
        if cert.status()[0] == CertState.VALID:
            return mark_safe(  # noqa: S308 - render_to_string escapes
                render_to_string("ocop/_participating.html", {"cert": cert}, request)
            )
    return None


def workspace_nav(request, **_ctx):
    user = request.user
    if not user.is_authenticated or user.organisation_id is None:
        return None
    template = "ocop/_nav_authority.html" if user.is_authority else "ocop/_nav_business.html"
    return mark_safe(render_to_string(template, {"user": user}, request))  # noqa: S308
