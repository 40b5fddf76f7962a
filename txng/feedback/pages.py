"""What feedback adds to lower apps' pages through their slots (txng/common/slots.py)."""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from txng.feedback import comments
from txng.feedback.models import Comment

SHOWN_COMMENTS = 20


def _html(template, context, request):
    return mark_safe(render_to_string(template, context, request))  # noqa: S308 - a template


def _stars_text(average):
    full = int(average + 0.5)
    return "★" * full + "☆" * (5 - full)


def product_comments(request, product, **_context):
    average, count = comments.summary(product.pk, request)
    shown = Comment.objects.public().filter(product=product).order_by("-published_at")
    context = {
        "product": product,
        "average": average,
        "count": count,
        "stars_text": _stars_text(average),
        "comments": shown[:SHOWN_COMMENTS],
    }
    return _html("feedback/_product_comments.html", context, request)


def product_rating_ld(request, product, **_context):
    """schema.org AggregateRating, only when there is at least one public rating (an empty
    one is invalid for search engines)."""
    average, count = comments.summary(product.pk, request)
    if not count:
        return None
    return {
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": average,
            "reviewCount": count,
            "bestRating": 5,
            "worstRating": 1,
        }
    }


def prefetch_card_ratings(request, products=(), **_context):
    known = getattr(request, "_card_ratings", {})
    known.update(comments.summaries([p.pk for p in products if p.pk not in known], request))
    request._card_ratings = known


def product_card_badge(request, product, **_context):
    known = getattr(request, "_card_ratings", None) if request is not None else None
    if known is not None and product.pk in known:
        average, count = known[product.pk]
    else:
        average, count = comments.summary(product.pk, request)
    if not count:
        return None
    return _html("feedback/_card_badge.html", {"average": average, "count": count}, request)


def scan_links(request, product=None, product_public=False, code="", **_context):
    # No query: the scan path is benchmarked; `code` is the frame's hole, filled per scan.
    if product is None or not product_public:
        return None
    return _html("feedback/_scan_links.html", {"product": product, "code": code}, request)


def business_stats(request, org, **_context):
    stats = comments.reply_stats(org)
    median = None
    if stats and stats["median"] is not None:
        hours = stats["median"].total_seconds() / 3600
        median = f"{hours:.0f} giờ" if hours < 48 else f"{hours / 24:.0f} ngày"
    context = {"stats": stats or {"rate": 0, "count": 0}, "median": median, "org": org}
    return _html("feedback/_business_stats.html", context, request)


def workspace_nav(request, **_context):
    user = getattr(request, "user", None)
    if user is None or not (user.is_authenticated and user.organisation_id):
        return None
    return _html("feedback/_nav.html", {"user": user}, request)


def register():
    from txng.common import slots

    slots.add("product_page.main", product_comments, position=20, version=comments.version)
    slots.add("product_page.ld", product_rating_ld, position=20, version=comments.version)
    # The version lets pages that keep product cards (home, search) show a new rating.
    slots.add(
        "product_card.badges",
        product_card_badge,
        position=20,
        version=comments.version,
        prefetch=prefetch_card_ratings,
    )
    slots.add("scan_page.main", scan_links, position=20)
    slots.add("business_page.summary", business_stats, position=20, version=comments.version)
    slots.add("workspace.nav", workspace_nav, position=80)
