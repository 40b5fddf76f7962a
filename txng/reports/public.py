"""Open statistics of the province (Cao Bằng Art. 7.2): counts only, no names, addresses or
other personal data, published under CC BY 4.0 as a page, CSV and JSON."""

from collections import Counter
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from txng.accounts.models import BusinessType, Organisation, OrgStatus
from txng.accounts.provinces import current as current_province
from txng.ocop.models import Result
from txng.reports import figures
from txng.reports.figures import Row, Section
from txng.reports.models import Metric

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
CACHE_SECONDS = 600
TOP = 15


def statistics():
    """The open figures, cached for a few minutes (one shared cache, keyed by language)."""
    key = f"reports:public:{get_language()}:{timezone.localdate()}"
    data = cache.get(key)
    if data is None:
        data = _compute()
        cache.set(key, data, CACHE_SECONDS)
    return data


def _top(pairs, other_label):
    rows = [Row(label or _("Chưa rõ"), n) for label, n in pairs[:TOP]]
    rest = sum(n for _label, n in pairs[TOP:])
    if rest:
        rows.append(Row(other_label, rest))
    return rows


def _ocop_stars(today):
    """{stars: products}: the products the public may see, each once at its best valid OCOP
    rating, as the product page shows it (ocop's Result.objects.for_product)."""
    best = (
        Result.objects.public(today)
        .values("product")
        .annotate(best=Max("stars"))
        .values_list("best", flat=True)
    )
    return Counter(best)


def _compute():
    from txng.catalog.models import Product

    today = timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=335)).replace(day=1)
    scope = figures.Scope("province", start, today, public=True)
    businesses = Organisation.objects.businesses().filter(status=OrgStatus.ACTIVE)
    products = Product.objects.published()
    by_type = dict(businesses.values_list("business_type").annotate(n=Count("pk")).order_by())
    by_category = list(
        products.values_list("category__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__name")
    )
    by_commune = list(
        products.values_list("business__commune__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "business__commune__name")
    )
    stars = _ocop_stars(today)
    sections = [
        Section(
            "businesses",
            _("Cơ sở đang tham gia theo loại hình"),
            [Row(str(label), by_type.get(value, 0)) for value, label in BusinessType.choices],
        ),
        Section(
            "products_category",
            _("Sản phẩm đang công bố theo nhóm"),
            _top(by_category, _("Nhóm khác")),
        ),
        Section(
            "products_commune",
            _("Sản phẩm đang công bố theo xã, phường"),
            _top(by_commune, _("Xã, phường khác")),
        ),
        Section(
            "ocop",
            _("Sản phẩm OCOP theo số sao"),
            [Row(_("%(n)s sao") % {"n": n}, stars.get(n, 0)) for n in (5, 4, 3)],
        ),
        Section(
            "scans_month",
            _("Lượt quét tem theo tháng"),
            [Row(f"{m:%m/%Y}", n) for m, n in figures.tally_by_month(scope, Metric.SCANS)],
            chart="columns",
        ),
    ]
    return {
        "province": current_province().name,
        "updated": timezone.now(),
        "totals": [
            (_("Cơ sở tham gia"), businesses.count()),
            (_("Sản phẩm đang công bố"), products.count()),
            (_("Lượt quét tem trong 12 tháng"), sum(r.value for r in sections[-1].rows)),
        ],
        "sections": sections,
    }


def as_json(data):
    return {
        "title": _("Thống kê truy xuất nguồn gốc tỉnh %(p)s") % {"p": data["province"]},
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "attribution": current_province().dost_name,
        "updated": data["updated"].isoformat(),
        "totals": [{"label": str(label), "value": value} for label, value in data["totals"]],
        "tables": [
            {
                "key": s.key,
                "title": str(s.title),
                "rows": [{"label": str(r.label), "value": r.value} for r in s.rows],
            }
            for s in data["sections"]
        ],
    }
