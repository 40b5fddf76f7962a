"""The digital product passport (Law 78/2025 Art. 3.8; Decree 37/2026 Art. 32) of a published
product and of each of its lots: one set of facts, shown as a page and as JSON-LD (schema.org
Product with the GS1 Web Vocabulary).

Who reads it decides what it holds, as the rest of the site already does: the public gets what
the public pages show; the business itself (the operator) also its stock; an authority managing
the business also contacts and every document, approved or not."""

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from txng.accounts.permissions import can_manage_business, is_member
from txng.catalog.models import DocumentType
from txng.national.models import OutboxRow, RecordType, SyncState
from txng.tracing.models import RecallLot
from txng.tracing.queries import public_timeline

# Decree 37/2026 Art. 32.1, its minimum content, in the decree's order (the text as quoted by
# thuvienphapluat; the decree's own point letters were not available).
ART32 = [
    ("identity", _("Tên sản phẩm, mã số định danh sản phẩm toàn cầu (GTIN)")),
    ("operator", _("Tên, địa chỉ, mã số định danh của tổ chức, cá nhân sản xuất, kinh doanh")),
    ("origin", _("Xuất xứ hoặc nơi thực hiện công đoạn cuối cùng")),
    ("traceability", _("Thông tin truy xuất nguồn gốc")),
    ("certificates", _("Chứng nhận hợp chuẩn, hợp quy, chất lượng; kết quả thử nghiệm")),
    ("dates", _("Ngày sản xuất, hạn sử dụng")),
    ("warnings", _("Cảnh báo an toàn, thu hồi")),
    ("other", _("Thông tin khác phục vụ quản lý chất lượng")),
]
CERTIFICATE_KINDS = {
    DocumentType.CONFORMITY,
    DocumentType.FOOD_SAFETY,
    DocumentType.TEST_RESULT,
    DocumentType.DECLARATION,
}

PUBLIC, OPERATOR, AUTHORITY = "public", "operator", "authority"

# Inline, so a reader (and our tests) expand it with no network: schema.org as the vocabulary,
# GS1's Web Vocabulary for the GS1 keys, and our own terms for what neither has.
CONTEXT = {
    "@vocab": "https://schema.org/",
    "gs1": "https://ref.gs1.org/voc/",
    "txng": "https://txng.example/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "gs1:gtin": {"@type": "xsd:string"},
    "gs1:expirationDate": {"@type": "xsd:date"},
    "productionDate": {"@type": "xsd:date"},
}


def audience(user, business):
    if user.is_authenticated and is_member(user, business):
        return OPERATOR
    if user.is_authenticated and can_manage_business(user, business):
        return AUTHORITY
    return PUBLIC


@dataclass
class Passport:
    product: object
    lot: object = None
    audience: str = PUBLIC
    steps: list = field(default_factory=list)
    lots: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    recalls: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    hub_refs: list = field(default_factory=list)

    @property
    def business(self):
        return self.product.business

    @property
    def origin(self):
        if self.lot is not None and self.lot.origin:
            return self.lot.origin
        facility = (self.lot.facility if self.lot is not None else None) or self.product.facility
        if facility is not None and facility.address:
            return facility.address
        return self.business.address

    @property
    def items(self):
        """Art. 32's items and whether this passport carries each (a test lists them)."""
        return [(key, label, self.has(key)) for key, label in ART32]

    def has(self, key):
        return {
            "identity": bool(self.product.name and self.product.gtin),
            "operator": bool(self.business.name and self.business.address),
            "origin": bool(self.origin),
            "traceability": self.lot is None or bool(self.steps),
            "certificates": bool(self.documents),
            "dates": self.lot is None or bool(self.lot.production_date or self.lot.expiry_date),
            "warnings": True,  # "none" is an answer too: no open recall, no warning
            "other": True,
        }[key]


def _hub_refs(product):
    """The latest accepted row of the product on each hub that gave it an id. The portal's id
    is public, so every reader's passport links to it."""
    accepted = (
        OutboxRow.objects.filter(
            record_type=RecordType.PRODUCT, record_id=product.pk, state=SyncState.ACCEPTED
        )
        .exclude(hub_ref="")
        .select_related("hub")
        .order_by("hub", "-seq")
    )
    latest = {}
    for row in accepted:
        latest.setdefault(row.hub_id, row)
    return list(latest.values())


def build(product, user, lot=None):
    p = Passport(product=product, lot=lot, audience=audience(user, product.business))
    docs = product.documents.all()
    if p.audience != AUTHORITY:
        docs = docs.filter(approved=True)
    p.documents = [d for d in docs if d.kind in CERTIFICATE_KINDS]
    if product.storage:
        p.warnings.append(product.storage)
    lots = [lot] if lot is not None else list(product.lots.all())
    rows = RecallLot.objects.filter(lot__in=lots, recall__closed_at__isnull=True)
    p.recalls = sorted({r.recall for r in rows.select_related("recall")}, key=lambda r: r.pk)
    if lot is not None:
        p.steps = public_timeline(lot)
    else:
        # The maker's own lots; the same goods received downstream are traced from these.
        own = product.lots.filter(business=product.business).exclude(trace_code="")
        p.lots = list(own.order_by("-created_at")[:20])
    p.hub_refs = _hub_refs(product)
    return p


def hub_link(row, product):
    """The product's page on a hub that accepted it. No hub has published its public URLs, so
    they are settings: NATIONAL_HUB_LINKS = {"nbc": "https://…/{ref}"} ({ref}: the hub's id of
    the product, {gtin}); without one, a URN that still names the hub's record."""
    template = getattr(settings, "NATIONAL_HUB_LINKS", {}).get(row.hub.code)
    if template:
        return template.format(ref=row.hub_ref, gtin=product.gtin)
    return f"urn:txng-hub:{row.hub.code}:{row.hub_ref}"


def _abs(request, path):
    base = (settings.SITE_DOMAIN or "").rstrip("/")
    return base + path if base else request.build_absolute_uri(path)


def json_ld(request, p):
    product, business = p.product, p.business
    if p.lot is not None:
        url = reverse("national:passport_lot", args=[p.lot.trace_code])
    else:
        url = reverse("national:passport", args=[product.pk])
    maker = {
        "@type": "Organization",
        "name": business.name,
        "address": business.address,
        "taxID": business.tax_code,
    }
    if p.audience == AUTHORITY:
        maker.update(telephone=business.phone, email=business.email)
    doc = {
        "@context": CONTEXT,
        "@type": ["Product", "gs1:Product"],
        "@id": _abs(request, url),
        "url": _abs(request, url),
        "name": product.name,
        "gtin": product.gtin,
        "gs1:gtin": product.gtin,
        "description": product.description,
        "brand": {"@type": "Brand", "name": product.brand} if product.brand else None,
        "manufacturer": maker,
        "countryOfOrigin": {"@type": "Country", "name": p.origin},
        "hasCertification": [
            {
                "@type": "Certification",
                "name": str(d.get_kind_display()),
                "certificationIdentification": d.number,
                "issuedBy": {"@type": "Organization", "name": d.issuer},
                "validFrom": d.issued_on.isoformat() if d.issued_on else None,
                "expires": d.expires_on.isoformat() if d.expires_on else None,
                "url": _abs(request, d.get_absolute_url()),
            }
            for d in p.documents
        ],
        "txng:safetyWarning": p.warnings,
        "txng:recall": [
            {"@type": "txng:Recall", "description": r.reason, "startDate": r.created_at.isoformat()}
            for r in p.recalls
        ],
        "txng:audience": p.audience,
    }
    if p.lot is not None:
        lot = p.lot
        doc.update(
            {
                "gs1:hasBatchLotNumber": lot.code,
                "productionDate": lot.production_date.isoformat() if lot.production_date else None,
                "gs1:expirationDate": lot.expiry_date.isoformat() if lot.expiry_date else None,
                "identifier": lot.trace_code,
                "isVariantOf": {
                    "@id": _abs(request, reverse("national:passport", args=[product.pk]))
                },
                "txng:traceability": [
                    {
                        "@type": "txng:TraceStep",
                        "name": s.title,
                        "startDate": s.time.isoformat(),
                        "location": s.place,
                        "identifier": s.trace_code,
                        "txng:locationCode": s.place_code,
                    }
                    for s in p.steps
                ],
            }
        )
        if p.audience != PUBLIC:
            doc["txng:inStock"] = str(lot.in_stock)
            doc["txng:unit"] = lot.unit
    if p.hub_refs:
        doc["sameAs"] = [hub_link(r, product) for r in p.hub_refs]
    return {k: v for k, v in doc.items() if v not in (None, "", [])}
