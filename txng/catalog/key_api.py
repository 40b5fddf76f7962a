"""/api/v1/catalog/: a business's own catalog for its software, read with an API key that has
the "catalog" scope (`Authorization: Bearer txng_…`).

A business's key reads that business's products (drafts too, with their state) and facilities;
an authority's key reads those of the businesses it manages, and the businesses themselves.
The key acts as the person who made it, so the same permission-aware querysets as the pages
decide what it sees. A key without the scope is refused with 403, an unknown one with 401.
Keys belong to epcis; catalog asks through txng.common.api_keys, without importing it.
"""

from datetime import datetime

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer

from txng.accounts.models import Organisation
from txng.catalog.models import Facility, Product
from txng.common import api_keys

SCOPE = "catalog"
PAGE_SIZE = 100


class CatalogKey(HttpBearer):
    def authenticate(self, request, token):
        try:
            user = api_keys.key_user(request, SCOPE)
        except api_keys.Refused as refused:
            raise HttpError(refused.status, refused.message) from refused
        request.user = user
        return user


router = Router(tags=["catalog (API key)"], auth=CatalogKey())


class OwnProductOut(Schema):
    id: int
    name: str
    gtin: str
    brand: str
    state: str
    category: str | None
    business_id: int
    facility_id: int | None
    unit: str
    net_content: str
    updated_at: datetime
    published_at: datetime | None


class FacilityOut(Schema):
    id: int
    name: str
    kind: str
    address: str
    gln: str
    business_id: int
    latitude: float | None
    longitude: float | None


class ManagedBusinessOut(Schema):
    id: int
    name: str
    tax_code: str
    gln: str
    address: str
    status: str


class _Page(Schema):
    count: int
    page: int
    pages: int
    next: int | None


class OwnProductPage(_Page):
    items: list[OwnProductOut]


class FacilityPage(_Page):
    items: list[FacilityOut]


class ManagedBusinessPage(_Page):
    items: list[ManagedBusinessOut]


def _page(queryset, page, row):
    paginator = Paginator(queryset, PAGE_SIZE)
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "next": current.next_page_number() if current.has_next() else None,
        "items": [row(item) for item in current],
    }


def _product(p):
    return {
        "id": p.pk,
        "name": p.name,
        "gtin": p.gtin,
        "brand": p.brand,
        "state": p.state,
        "category": p.category.name if p.category_id else None,
        "business_id": p.business_id,
        "facility_id": p.facility_id,
        "unit": p.unit,
        "net_content": p.net_content,
        "updated_at": p.updated_at,
        "published_at": p.published_at,
    }


def _facility(f):
    return {
        "id": f.pk,
        "name": f.name,
        "kind": f.kind,
        "address": f.address,
        "gln": f.gln,
        "business_id": f.business_id,
        "latitude": float(f.latitude) if f.latitude is not None else None,
        "longitude": float(f.longitude) if f.longitude is not None else None,
    }


@router.get(
    "/catalog/products",
    response=OwnProductPage,
    summary="Sản phẩm của cơ sở (khóa API có quyền đọc danh mục)",
)
def own_products(request, page: int = 1, business: int | None = None):
    products = Product.objects.visible_to(request.auth).select_related("category")
    if business is not None:
        products = products.filter(business_id=business)
    return _page(products.order_by("pk"), page, _product)


@router.get(
    "/catalog/facilities",
    response=FacilityPage,
    summary="Cơ sở vật chất, địa điểm của cơ sở (khóa API có quyền đọc danh mục)",
)
def own_facilities(request, page: int = 1, business: int | None = None):
    facilities = Facility.objects.visible_to(request.auth)
    if business is not None:
        facilities = facilities.filter(business_id=business)
    return _page(facilities.order_by("pk"), page, _facility)


@router.get(
    "/catalog/businesses",
    response=ManagedBusinessPage,
    summary="Cơ sở do cơ quan quản lý (khóa API của cơ quan có quyền đọc danh mục)",
)
def managed_businesses(request, page: int = 1):
    user = request.auth
    if not user.is_authority:
        raise HttpError(403, _("Chỉ khóa của cơ quan quản lý mới xem danh sách cơ sở."))
    businesses = Organisation.objects.managed_by(user.organisation)
    return _page(
        businesses.order_by("pk"),
        page,
        lambda b: {
            "id": b.pk,
            "name": b.name,
            "tax_code": b.tax_code,
            "gln": b.gln,
            "address": b.address,
            "status": b.status,
        },
    )
