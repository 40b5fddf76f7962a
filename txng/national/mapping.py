"""What each record looks like to a hub. NBC field names come from integrators' code seen on the
national portal (docs/national.md marks which are observed and which are only inferred); the
inferred ones, and every path, can be overridden from settings without a release."""

from django.conf import settings

from txng.national.models import RecordType

# Observed in integrators' clients of truyxuatnguongoc.gov.vn (reference doc §5.3) for products;
# organisation and chain names are not published anywhere and are our guess, overridable with
# settings.NATIONAL_NBC_FIELDS = {"product.ten": "tenSanPham", ...}.
NBC_FIELDS = {
    "product.gtin": "gtinCode",
    "product.name": "ten",
    "product.group": "idNhomSanPham",
    "product.unit": "donViTinh",
    "product.origin": "xuatXu",
    "product.description": "moTa",
    "product.image": "hinhAnh",
    "product.status": "trangThai",
    "product.org_tax_code": "maSoThue",
    "product.certificates": "chungNhan",
    "org.tax_code": "maSoThue",
    "org.gln": "glnCode",
    "org.name": "ten",
    "org.address": "diaChi",
    "org.status": "trangThai",
    "chain.trace_code": "traceCode",
    "chain.gtin": "gtin",
    "chain.lot": "soLo",
    "chain.events": "suKien",
    "recall.trace_codes": "danhSachMaTruyVet",
    "recall.reason": "lyDo",
    "recall.state": "trangThai",
}

# The portal's stage wizard (reference doc §5.3): vùng trồng, vận chuyển, chế biến/đóng gói,
# kho tổng, đại lý, cửa hàng. Our CBV business steps map onto those stage keys.
NBC_STAGES = {
    "commissioning": "vungTrong",
    "growing": "vungTrong",
    "harvesting": "vungTrong",
    "planting": "vungTrong",
    "shipping": "vanChuyen",
    "departing": "vanChuyen",
    "arriving": "vanChuyen",
    "transporting": "vanChuyen",
    "packing": "cheBien",
    "commissioning_processing": "cheBien",
    "transforming": "cheBien",
    "processing": "cheBien",
    "storing": "khoTong",
    "receiving": "khoTong",
    "stocking": "khoTong",
    "dispensing": "daiLy",
    "holding": "daiLy",
    "retail_selling": "cuaHang",
    "sensor_reporting": "cheBien",
}


def field(name):
    return {**NBC_FIELDS, **getattr(settings, "NATIONAL_NBC_FIELDS", {})}[name]


def site(path):
    return (settings.SITE_DOMAIN or "").rstrip("/") + path


def _product(pk):
    from txng.catalog.models import Product, PublicState

    product = (
        Product.objects.select_related("business", "category", "facility")
        .prefetch_related("images", "documents")
        .get(pk=pk)
    )
    image = next((i for i in product.images.all() if i.approved), None)
    origin = product.facility.address if product.facility_id and product.facility.address else ""
    published = product.state == PublicState.PUBLISHED and product.business.status == "active"
    certificates = [
        {"loai": d.kind, "so": d.number, "coQuanCap": d.issuer, "ngayCap": _iso(d.issued_on)}
        for d in product.documents.all()
        if d.approved
    ]
    return {
        field("product.gtin"): product.gtin,
        field("product.name"): product.name,
        field("product.group"): product.category.slug if product.category_id else "",
        field("product.unit"): product.unit,
        field("product.origin"): origin or product.business.address,
        field("product.description"): product.description,
        field("product.image"): site(image.image.url) if image else "",
        field("product.status"): 1 if published else 0,
        field("product.org_tax_code"): product.business.tax_code,
        field("product.certificates"): certificates,
    }


def _iso(value):
    return value.isoformat() if value else None


def _organisation(pk):
    from txng.accounts.models import Organisation

    org = Organisation.objects.get(pk=pk)
    gln = next((f.gln for f in org.facilities.all() if f.gln), "") if org.is_business else ""
    return {
        field("org.tax_code"): org.tax_code,
        field("org.gln"): gln,
        field("org.name"): org.name,
        field("org.address"): org.address,
        field("org.status"): 1 if org.status == "active" else 0,
    }


def lot_events(row):
    from txng.tracing.models import Event

    return list(
        Event.objects.filter(
            lots__pk=row.record_id,
            pk__gt=row.context.get("after", 0),
            pk__lte=row.context.get("upto", 0),
        )
        .distinct()
        .order_by("pk")
    )


def _stage(biz_step):
    return NBC_STAGES.get((biz_step or "").rsplit("/", 1)[-1].rsplit(":", 1)[-1], "cheBien")


def _chain(row):
    from txng.tracing.models import Lot

    lot = Lot.objects.select_related("product").get(pk=row.record_id)
    return {
        field("chain.trace_code"): lot.trace_code,
        field("chain.gtin"): lot.product.gtin if lot.product_id else "",
        field("chain.lot"): lot.code,
        "ngaySanXuat": _iso(lot.production_date),
        "hanSuDung": _iso(lot.expiry_date),
        field("chain.events"): [
            {
                "congDoan": _stage(e.biz_step),
                "maSuKien": e.event_id,
                "thoiGian": e.event_time.isoformat(),
                "moTa": e.title,
                "diaDiem": e.biz_location,
                "laCaiChinh": bool(e.declares_error_on_id),
            }
            for e in lot_events(row)
        ],
    }


def _recall(pk):
    from txng.tracing.models import Recall

    recall = Recall.objects.get(pk=pk)
    return {
        field("recall.trace_codes"): [
            r.lot.trace_code for r in recall.lot_rows.select_related("lot")
        ],
        field("recall.reason"): recall.reason,
        field("recall.state"): recall.state,
    }


def nbc_payload(row):
    build = {
        RecordType.ORGANISATION: lambda: _organisation(row.record_id),
        RecordType.PRODUCT: lambda: _product(row.record_id),
        RecordType.LOT: lambda: _chain(row),
        RecordType.RECALL: lambda: _recall(row.record_id),
    }[row.record_type]
    return build()


def epcis_document(row):
    """An EPCIS 2.0 document of the lot's events this row carries, as tracing stored them."""
    return {
        "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": row.created_at.isoformat(),
        "epcisBody": {"eventList": [e.document for e in lot_events(row)]},
    }
