"""Public product and business pages, and documents viewable by anyone once approved."""

import json

from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import condition

from txng.accounts.models import Organisation, OrgKind, OrgStatus
from txng.accounts.permissions import can_manage_business, is_member
from txng.catalog import facts, journeys
from txng.catalog.models import Document, Product, PublicState, business_url
from txng.common import slots
from txng.common.uploads import file_response


def _ld_json(data):
    # Escape "<" so a product name can never close the script element.
    return mark_safe(json.dumps(data, ensure_ascii=False).replace("<", "\\u003c"))  # noqa: S308


def _withdrawn(request, what):
    """HTTP 410 with a plain notice; the reason is for the business, not the public."""
    return render(request, "catalog/withdrawn.html", {"what": what}, status=410)


def _product_last_modified(request, pk, slug=None):
    # The ETag includes this date as well: one query answers both (kept on the request).
    memo = getattr(request, "_product_last_modified", None)
    if memo is not None and memo[0] == pk:
        return memo[1]
    # A new lot shows on the page too, so it changes the page's date.
    row = (
        Product.objects.filter(pk=pk)
        .annotate(last_lot=Max("lots__updated_at"))
        .values("updated_at", "last_lot")
    )
    row = row.first()
    modified = max(t for t in (row["updated_at"], row["last_lot"]) if t) if row else None
    request._product_last_modified = (pk, modified)
    return modified


# The slots the public product page renders (txng/common/slots.py); "product_page.ld" gives dicts
# merged into the page's schema.org JSON-LD.
PRODUCT_SLOTS = ("product_page.summary", "product_page.main", "product_page.ld")


def _product_etag(request, pk, slug=None):
    # The latest lot's journey shows too: any new stage changes the trace version.
    modified = _product_last_modified(request, pk, slug)
    # What other apps add to the page (ratings, OCOP results, ...) has its own versions.
    extra = slots.version(*PRODUCT_SLOTS)
    return f"{modified.timestamp() if modified else 0}-{journeys.version(pk)}-{extra}"


@condition(etag_func=_product_etag, last_modified_func=_product_last_modified)
def product(request, pk, slug=None):
    product = get_object_or_404(
        Product.objects.select_related("business", "facility", "category", "facility__commune"),
        pk=pk,
    )
    if product.state == PublicState.WITHDRAWN or product.business.status == OrgStatus.REVOKED:
        return _withdrawn(request, "product")
    if not product.is_public:
        raise Http404
    if slug != product.slug:
        return redirect(product, permanent=True)
    url = request.build_absolute_uri(product.get_absolute_url())
    image = request.build_absolute_uri(product.main_image_url) if product.main_image_url else None
    ld = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "url": url,
        "description": product.description[:500],
        "manufacturer": {
            "@type": "Organization",
            "name": product.business.name,
            "url": request.build_absolute_uri(business_url(product.business)),
        },
    }
    if image:
        ld["image"] = image
    if product.brand:
        ld["brand"] = {"@type": "Brand", "name": product.brand}
    if product.gtin:
        ld["gtin"] = product.gtin
    if product.category_id:
        ld["category"] = product.category.name
    for extra in slots.collect("product_page.ld", request, product=product):
        ld.update(extra)
    others = (
        Product.objects.published()
        .filter(business=product.business)
        .exclude(pk=product.pk)
        .select_related("business")
        .prefetch_related("images")[:4]
    )
    # The producer's own lots (a shop's received lots are the same goods): each carries the
    # production time and trace code, and links to its journey (Circular 02/2024 items 4-7).
    lots = list(
        product.lots.filter(business=product.business_id)
        .select_related("facility")
        .order_by("-production_date", "-created_at")[:5]
    )
    # The latest lot stands for the product's lot items: with its journey the page can carry
    # all ten basic items, as a scan or the lot's trace page does.
    latest = lots[0] if lots else None
    steps = journeys.lot_steps(latest) if latest else []
    return render(
        request,
        "catalog/product_public.html",
        {
            "product": product,
            "lots": lots,
            "latest": latest,
            "steps": steps,
            "facts_lot": latest,
            "facts_missing": facts.missing_items(product, latest, steps) if latest else [],
            "og_url": url,
            "og_image": image,
            "ld_json": _ld_json(ld),
            "others": others,
        },
    )


def business(request, pk, slug=None):
    org = get_object_or_404(Organisation, pk=pk, kind=OrgKind.BUSINESS)
    profile = getattr(org, "profile", None)
    if org.status == OrgStatus.REVOKED or (profile and profile.state == PublicState.WITHDRAWN):
        return _withdrawn(request, "business")
    if org.status != OrgStatus.ACTIVE:
        raise Http404
    canonical = business_url(org)
    if request.path != canonical:
        return redirect(canonical, permanent=True)
    url = request.build_absolute_uri(canonical)
    products = Product.objects.published().filter(business=org).prefetch_related("images")
    logo = request.build_absolute_uri(profile.logo.url) if profile and profile.logo else None
    ld = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": org.name,
        "url": url,
        "address": {"@type": "PostalAddress", "streetAddress": org.address, "addressCountry": "VN"},
    }
    if org.tax_code:
        ld["taxID"] = org.tax_code
    if org.phone:
        ld["telephone"] = org.phone
    if logo:
        ld["logo"] = logo
    return render(
        request,
        "catalog/business_public.html",
        {
            "org": org,
            "profile": profile,
            "products": products,
            "facilities": org.facilities.select_related("commune"),
            "documents": org.documents.filter(product=None, approved=True),
            "og_url": url,
            "og_image": logo,
            "ld_json": _ld_json(ld),
        },
    )


def document(request, pk):
    """A document is public once approved and its product or business page is public."""
    doc = get_object_or_404(Document.objects.select_related("business", "product"), pk=pk)
    user = request.user
    insider = user.is_authenticated and (
        is_member(user, doc.business) or can_manage_business(user, doc.business)
    )
    public = doc.approved and (
        doc.product.is_public if doc.product_id else doc.business.status == OrgStatus.ACTIVE
    )
    if not (public or insider):
        raise Http404
    return file_response(doc.file)
