"""Read-only JSON for published products, businesses and categories (/api/v1/).

Responses carry an ETag (hash of the body) and Last-Modified, and answer 304 to a matching
If-None-Match / If-Modified-Since, so mirrors and apps can poll cheaply.
"""

import hashlib
import json
from datetime import datetime

from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe
from ninja import Router, Schema

from txng.accounts.models import Organisation, OrgStatus
from txng.catalog.models import Category, Product, business_url
from txng.common.ids import Id

router = Router(tags=["catalog"])
PAGE_SIZE = 50


class CategoryOut(Schema):
    id: int
    name: str
    slug: str
    parent_id: int | None


class BusinessOut(Schema):
    id: int
    name: str
    business_type: str
    tax_code: str
    address: str
    commune: str | None
    phone: str
    url: str


class DocumentOut(Schema):
    kind: str
    number: str
    issuer: str
    issued_on: str | None
    expires_on: str | None
    expired: bool
    url: str


class ProductOut(Schema):
    id: int
    name: str
    url: str
    gtin: str
    brand: str
    category: str | None
    business_id: int
    business: str
    description: str
    net_content: str
    unit: str
    standards: str
    shelf_life: str
    storage: str
    image: str | None
    facility: dict | None
    published_at: datetime | None
    updated_at: datetime


class ProductDetailOut(ProductOut):
    ingredients: str
    documents: list[DocumentOut]
    missing_items: list[str]


class Page(Schema):
    count: int
    page: int
    pages: int
    next: int | None


class ProductPage(Page):
    items: list[ProductOut]


class BusinessPage(Page):
    items: list[BusinessOut]


def _abs(request, url):
    return request.build_absolute_uri(url) if url else None


def _product(request, p, detail=False):
    facility = p.facility
    data = {
        "id": p.pk,
        "name": p.name,
        "url": _abs(request, p.get_absolute_url()),
        "gtin": p.gtin,
        "brand": p.brand,
        "category": p.category.name if p.category_id else None,
        "business_id": p.business_id,
        "business": p.business.name,
        "description": p.description,
        "net_content": p.net_content,
        "unit": p.unit,
        "standards": p.standards,
        "shelf_life": p.shelf_life,
        "storage": p.storage,
        "image": _abs(request, p.main_image_url),
        "facility": {
            "name": facility.name,
            "kind": facility.kind,
            "address": facility.address,
            "gln": facility.gln,
            "latitude": float(facility.latitude) if facility.has_gps else None,
            "longitude": float(facility.longitude) if facility.has_gps else None,
        }
        if facility
        else None,
        "published_at": p.published_at.isoformat() if p.published_at else None,
        "updated_at": p.updated_at.isoformat(),
    }
    if detail:
        data["ingredients"] = p.ingredients
        data["documents"] = [
            {
                "kind": d.kind,
                "number": d.number,
                "issuer": d.issuer,
                "issued_on": d.issued_on.isoformat() if d.issued_on else None,
                "expires_on": d.expires_on.isoformat() if d.expires_on else None,
                "expired": d.is_expired,
                "url": _abs(request, d.get_absolute_url()),
            }
            for d in p.public_documents()
        ]
        data["missing_items"] = [str(label) for label in p.missing_items]
    return data


def _business(request, b):
    return {
        "id": b.pk,
        "name": b.name,
        "business_type": b.business_type,
        "tax_code": b.tax_code,
        "address": b.address,
        "commune": b.commune.name if b.commune_id else None,
        "phone": b.phone,
        "url": _abs(request, business_url(b)),
    }


def _conditional(request, payload, last_modified=None):
    body = json.dumps(payload, ensure_ascii=False, default=str).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    if_none_match = request.headers.get("If-None-Match", "")
    if etag in [t.strip() for t in if_none_match.split(",")]:
        return HttpResponseNotModified(headers={"ETag": etag})
    if last_modified is not None and not if_none_match:
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        if since is not None and int(last_modified.timestamp()) <= since:
            return HttpResponseNotModified(headers={"ETag": etag})
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=60"
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return response


def _page(qs, page):
    paginator = Paginator(qs, PAGE_SIZE)
    current = paginator.get_page(page)
    return current, {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "next": current.next_page_number() if current.has_next() else None,
    }


def _published():
    return Product.objects.published().select_related("business", "category", "facility")


@router.get("/products", response=ProductPage, summary="Sản phẩm đang công bố")
def list_products(
    request, page: int = 1, q: str = "", category: Id | None = None, business: Id | None = None
):
    qs = _published().prefetch_related("images").order_by("pk")
    if category:
        cat = Category.objects.filter(pk=category).first()
        qs = qs.filter(category__in=cat.descendant_ids() if cat else [])
    if business:
        qs = qs.filter(business_id=business)
    if q:
        qs = qs.search(q)
    current, meta = _page(qs, page)
    meta["items"] = [_product(request, p) for p in current]
    last = qs.aggregate(m=Max("updated_at"))["m"]
    return _conditional(request, meta, last)


@router.get("/products/{product_id}", response=ProductDetailOut, summary="Một sản phẩm")
def get_product(request, product_id: int):
    product = _published().prefetch_related("images").filter(pk=product_id).first()
    if product is None:
        raise Http404
    return _conditional(request, _product(request, product, detail=True), product.updated_at)


def _businesses():
    return (
        Organisation.objects.businesses()
        .filter(status=OrgStatus.ACTIVE)
        .exclude(profile__state="withdrawn")
        .select_related("commune")
        .order_by("pk")
    )


@router.get("/businesses", response=BusinessPage, summary="Cơ sở sản xuất, kinh doanh")
def list_businesses(request, page: int = 1):
    qs = _businesses()
    current, meta = _page(qs, page)
    meta["items"] = [_business(request, b) for b in current]
    return _conditional(request, meta, qs.aggregate(m=Max("updated_at"))["m"])


@router.get("/businesses/{business_id}", response=BusinessOut, summary="Một cơ sở")
def get_business(request, business_id: int):
    business = _businesses().filter(pk=business_id).first()
    if business is None:
        raise Http404
    return _conditional(request, _business(request, business), business.updated_at)


@router.get("/categories", response=list[CategoryOut], summary="Danh mục sản phẩm")
def list_categories(request):
    items = [
        {"id": c.pk, "name": c.name, "slug": c.slug, "parent_id": c.parent_id}
        for c in Category.objects.order_by("pk")
    ]
    return _conditional(request, items)
