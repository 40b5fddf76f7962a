"""What each identifier links to: the linkset of GS1-Conformant Resolver 1.1, in RFC 9264's JSON.

Every level of an identifier (/01/g, /01/g/10/lot, /01/g/10/lot/21/serial) that the system
knows has its own links, the first of them the level's default. A level it does not know has
none, and the request walks up to the nearest one it knows. Other apps add links to a level
with `register(fn)`: `fn(level, found)` returns a list of `Link`, `found` being the object the
level names (a Product, Lot, Stamp, Facility or Organisation).
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

GS1_VOC = "https://gs1.org/voc/"
# The vocabulary's newer address; a client may name a link type by either.
GS1_VOC_NAMESPACES = (GS1_VOC, "https://ref.gs1.org/voc/", "https://www.gs1.org/voc/")
LINK_TYPES = (
    "pip",
    "traceability",
    "epcis",
    "certificationInfo",
    "recallStatus",
    "productSustainabilityInfo",
    "masterData",
    "verificationService",
    "logisticsInfo",
    "locationInfo",
    "homepage",
)
LINKSET_CONTEXT = "https://ref.gs1.org/standards/resolver/linkset-context"

_extra = []


# The languages the site's pages are served in, the first the default. A page of the site is
# served in another with ?lang=<code> (txng.common.middleware).
LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class Link:
    rel: str  # a GS1 link type without its namespace: "pip"
    href: str  # a path on this site, or an absolute URL
    title: str
    type: str = "text/html"
    hreflang: tuple = ("vi",)

    @property
    def translatable(self):
        """A page of this site, which it also serves in the other LANGUAGES."""
        return self.href.startswith("/") and self.type == "text/html" and self.hreflang == ("vi",)

    def in_language(self, language):
        if language == LANGUAGES[0] or not self.translatable:
            return self.href
        return f"{self.href}{'&' if '?' in self.href else '?'}lang={language}"


def choose_language(accept_language):
    """The first of LANGUAGES the Accept-Language header ranks highest by its q-values; the
    default when it names none of them (or only with q=0, or only *)."""
    from django.utils.translation.trans_real import parse_accept_lang_header

    try:
        ranked = parse_accept_lang_header(accept_language or "")
    except ValueError:
        ranked = ()
    for tag, quality in ranked:
        primary = tag.split("-")[0].lower()
        if quality > 0 and primary in LANGUAGES:
            return primary
    return LANGUAGES[0]


def register(fn):
    _extra.append(fn)
    return fn


def link_type_name(value):
    """`gs1:pip` or a full IRI of the GS1 vocabulary → `pip`; None when it names no GS1 type."""
    if value.startswith("gs1:"):
        name = value[4:]
    else:
        name = next((value[len(ns) :] for ns in GS1_VOC_NAMESPACES if value.startswith(ns)), None)
    return name if name in LINK_TYPES else None


def _reverse(name, *args, query=""):
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:  # an optional app (the EPCIS API) is not installed
        return None


def _passport_links(name, ld_name, arg, title):
    """The digital product passport (national's /ho-chieu-so/ pages, Law 78/2025 Art. 3.8), named
    by URL only: national sits above the resolver, and may not be installed.

    Link type gs1:masterData: the passport gathers Decree 37/2026 Art. 32.1's items (identity,
    GTIN, maker, origin, certificates, dates, warnings, recalls), which is what GS1 calls a
    product's master data. gs1:productSustainabilityInfo would tell a client to expect
    environmental or recycling data the passport does not hold, and gs1:certificationInfo is
    one certificate each, already linked. GS1's newer gs1:dpp (schema.org's
    hasDigitalProductPassport) is not in LINK_TYPES yet; the passport would move to it when
    it is added there."""
    page = _reverse(name, arg)
    if page is None:
        return []
    links = [Link("masterData", page, title)]
    ld = _reverse(ld_name, arg)
    if ld:
        links.append(Link("masterData", ld, f"{title} (JSON-LD)", "application/ld+json", ()))
    return links


def _product(level):
    from txng.catalog.models import Product

    gtin = level.value
    candidates = [gtin, gtin.lstrip("0")] + [gtin[-n:] for n in (13, 12, 8)]
    return (
        Product.objects.published()
        .filter(gtin__in=candidates)
        .select_related("business")
        .order_by("pk")
        .first()
    )


def _product_links(product):
    links = [
        Link("pip", product.get_absolute_url(), _("Trang thông tin sản phẩm: %s") % product.name)
    ]
    for document in product.public_documents():
        links.append(
            Link("certificationInfo", document.get_absolute_url(), str(document) or _("Giấy tờ"))
        )
    links.append(
        Link("recallStatus", reverse("public:recalls"), _("Sản phẩm đang bị thu hồi trong tỉnh"))
    )
    links += _passport_links(
        "national:passport",
        "national:passport_ld",
        product.pk,
        _("Hộ chiếu số của sản phẩm %s") % product.name,
    )
    api = _reverse("api:get_product", product.pk)
    if api:
        links.append(Link("masterData", api, _("Dữ liệu sản phẩm (JSON)"), "application/json", ()))
    return links


def _lot(level, product):
    from txng.tracing.models import Lot

    if product is None:
        return None
    code = level.qualifier("10")
    lots = Lot.objects.public().filter(product=product, code=code).select_related("product")
    # The producer's own lot first: a shop's received lot of the same code is its copy.
    return min(lots, key=lambda lot: lot.business_id != product.business_id, default=None)


def _lot_links(lot):
    from txng.tracing.codes import lot_class_uri

    page = lot.get_absolute_url()
    links = [Link("traceability", page, _("Hành trình của lô %s") % lot.code)]
    trace_api = _reverse("api:trace_by_code", lot.trace_code)
    if trace_api:
        links.append(
            Link(
                "traceability",
                trace_api,
                _("Hành trình của lô %s (JSON)") % lot.code,
                "application/json",
                (),
            )
        )
    epcis = _reverse("epcis:events", query=f"?MATCH_epcClass={lot_class_uri(lot)}")
    if epcis:
        links.append(
            Link("epcis", epcis, _("Sự kiện EPCIS (cần khoá API)"), "application/ld+json", ())
        )
    if lot.active_recall:
        links.append(Link("recallStatus", page, _("Lô %s đang bị thu hồi") % lot.code))
    links += _passport_links(
        "national:passport_lot",
        "national:passport_lot_ld",
        lot.trace_code,
        _("Hộ chiếu số của lô %s") % lot.code,
    )
    return links


def _stamp(level, product):
    from txng.stamps import codes
    from txng.stamps.lookup import find_stamp

    if product is None:
        return None
    body = codes.normalise(level.qualifier("21"))
    if len(body) != codes.DATA_LENGTH:
        return None
    try:
        found = find_stamp(body + codes.check_char(body))
    except ValueError:
        return None
    if found is None or (found.order.product.gtin or "").zfill(14) != level.value:
        return None
    return found


def _facility(level):
    from txng.catalog.models import Facility

    return Facility.objects.filter(gln=level.value).select_related("business").first()


def _party(level):
    from txng.accounts.models import Organisation, OrgStatus

    return Organisation.objects.filter(gln=level.value, status=OrgStatus.ACTIVE).first()


def resolve(link):
    """[(level, links)] for each level of `link` the system knows, the most specific first."""
    from txng.catalog.models import business_url

    found_levels = []
    product = None
    if link.key == "01":
        product = _product(link)
    for level in link.levels():
        found, links = None, None
        shape = (level.key, tuple(ai for ai, _value in level.qualifiers))
        if shape == ("01", ()):
            found = product
            links = _product_links(product) if product else None
        elif shape == ("01", ("10",)):
            found = _lot(level, product)
            links = _lot_links(found) if found else None
        elif shape in (("01", ("21",)), ("01", ("10", "21"))):
            found = _stamp(level, product)
            if found:
                links = [
                    Link(
                        "verificationService",
                        reverse("stamps:scan", args=[found.code]),
                        _("Kiểm tra tem %s") % found.code,
                    )
                ]
        elif shape == ("00", ()):
            # Whether a pallet exists is not told: the receiving page, behind sign-in, says
            # what came on it to the business it came to.
            links = [
                Link(
                    "logisticsInfo",
                    f"{reverse('tracing:incoming')}?sscc={level.value}",
                    _("Hàng đến trên kiện %s (bên nhận đăng nhập)") % level.value,
                )
            ]
        elif shape == ("414", ()):
            found = _facility(level)
            if found:
                links = [
                    Link("locationInfo", business_url(found.business), str(found.name)),
                ]
        elif shape == ("417", ()):
            found = _party(level)
            if found:
                links = [Link("homepage", business_url(found), found.name)]
        if links:
            for fn in _extra:
                links += fn(level, found) or []
            found_levels.append((level, links))
    return found_levels


def linkset(found_levels, absolute, translated=None):
    """The RFC 9264 JSON document; `absolute` turns a path into a full URL. `translated` is
    {language: found_levels resolved in that language} for the titles of the pages the site also
    serves in that language, each then listed once per language with its hreflang."""
    entries = []
    translated = translated or {}
    for index, (level, links) in enumerate(found_levels):
        entry = {"anchor": absolute(level.path)}
        default = links[0]
        entry[GS1_VOC + "defaultLink"] = [{"href": absolute(default.href), "title": default.title}]
        for position, item in enumerate(links):
            target = {"href": absolute(item.href), "title": item.title, "type": item.type}
            if item.hreflang:
                target["hreflang"] = list(item.hreflang)
            entry.setdefault(GS1_VOC + item.rel, []).append(target)
            if not item.translatable:
                continue
            for language, other_levels in translated.items():
                title = other_levels[index][1][position].title
                entry[GS1_VOC + item.rel].append(
                    {
                        "href": absolute(item.in_language(language)),
                        "title": title,
                        "type": item.type,
                        "hreflang": [language],
                    }
                )
        entries.append(entry)
    return {"linkset": entries}
