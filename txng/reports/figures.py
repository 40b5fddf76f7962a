"""The figures of the dashboards, the periodic reports and the open statistics.

Figures come from providers in a registry: this module registers those of the apps below reports
that every scope shares, and `sources.py` those of feedback (cases) and ocop (results and
certificates), from ReportsConfig.ready. An app above reports would add its own the same way:

    from txng.reports import figures
    figures.register("cases", my_sections, position=60)

where `my_sections(scope)` returns a list of `Section`s for a `Scope` (who is asking, which
businesses, which dates). A section's rows are (label, value, url); `chart` says how the
dashboard draws it ("bar", "columns" for a time series, "" for a table only). Sections are
stored as JSON in a submitted report (`Section.as_dict`), so their labels must be plain text.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from txng.accounts.models import BusinessType, Organisation, OrgStatus
from txng.reports.models import Metric, Tally

_PROVIDERS = []  # (position, key, function)


def register(key, provider, position=100):
    """Add (or replace) the provider named `key`; lower positions come first."""
    _PROVIDERS[:] = [item for item in _PROVIDERS if item[1] != key]
    _PROVIDERS.append((position, key, provider))
    _PROVIDERS.sort(key=lambda item: (item[0], item[1]))


@dataclass
class Row:
    label: str
    value: int
    url: str = ""


@dataclass
class Section:
    key: str
    title: str
    rows: list = field(default_factory=list)
    chart: str = "bar"  # "bar" (horizontal), "columns" (over time) or "" (table only)
    note: str = ""

    @property
    def total(self):
        return sum(row.value for row in self.rows)

    @property
    def peak(self):
        return max((row.value for row in self.rows), default=0)

    def as_dict(self):
        return {
            "key": self.key,
            "title": str(self.title),
            "chart": self.chart,
            "rows": [[str(r.label), int(r.value)] for r in self.rows],
        }

    @classmethod
    def from_dict(cls, data):
        rows = [Row(label, value) for label, value in data.get("rows", [])]
        return cls(data["key"], data["title"], rows, data.get("chart", "bar"))


@dataclass
class Scope:
    """Whose figures: the province (DOST, the public), an agency's managed businesses, or one
    business; over the dates start..end (inclusive)."""

    level: str  # "province", "agency", "business"
    start: date
    end: date
    organisation: Organisation | None = None
    public: bool = False  # open data: no list links, no per-business detail

    @classmethod
    def for_user(cls, user, start, end):
        org = user.organisation
        if org.is_dost:
            return cls("province", start, end, org)
        if org.is_authority:
            return cls("agency", start, end, org.root)
        return cls("business", start, end, org)

    @classmethod
    def for_agency(cls, agency, start, end):
        if agency.is_dost:
            return cls("province", start, end, agency)
        return cls("agency", start, end, agency.root)

    def businesses(self):
        qs = Organisation.objects.businesses()
        if self.level == "agency":
            return qs.filter(managers=self.organisation)
        if self.level == "business":
            return qs.filter(pk=self.organisation.pk)
        return qs

    def scoped(self, qs, field="business"):
        """`qs` limited to this scope's businesses through `field`."""
        if self.level == "province":
            return qs
        if self.level == "business":
            return qs.filter(**{field: self.organisation.pk})
        return qs.filter(**{f"{field}__managers": self.organisation})

    def link(self, name, query=""):
        if self.public:
            return ""
        return reverse(name) + (f"?{query}" if query else "")


def sections(scope):
    out = []
    for _position, _key, provider in _PROVIDERS:
        out += provider(scope)
    return out


# --- Tallies over a period -----------------------------------------------------------------


def tally_total(scope, metric):
    rows = _tally_rows(scope, metric)
    return rows.aggregate(n=Sum("value"))["n"] or 0


def tally_by_month(scope, metric):
    """[(first day of month, count)] for every month of the scope, zeros included."""
    per_month = {}
    for day, value in _tally_rows(scope, metric).values_list("day", "value"):
        key = day.replace(day=1)
        per_month[key] = per_month.get(key, 0) + value
    months, month = [], scope.start.replace(day=1)
    while month <= scope.end:
        months.append((month, per_month.get(month, 0)))
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _tally_rows(scope, metric):
    rows = Tally.objects.filter(metric=metric, day__gte=scope.start, day__lte=scope.end)
    if scope.level == "province":
        # The province's own rows: one per day, a few hundred for a year.
        return rows.filter(business__isnull=True)
    if scope.level == "business":
        return rows.filter(business=scope.organisation.pk)
    return rows.filter(business__in=scope.businesses().values("pk"))


# --- The providers of the apps below reports -----------------------------------------------


def _label(choices, value):
    return str(dict(choices.choices).get(value, value or _("Chưa rõ")))


def business_sections(scope):
    if scope.level == "business":
        return []
    businesses = scope.businesses()
    orgs = scope.link("accounts:organisations", "kind=business")
    by_status = dict(businesses.values_list("status").annotate(n=Count("pk")).order_by())
    by_type = dict(businesses.values_list("business_type").annotate(n=Count("pk")).order_by())
    by_commune = (
        businesses.values_list("commune__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "commune__name")
    )
    communes = [Row(name or _("Chưa rõ xã, phường"), n, orgs) for name, n in by_commune[:12]]
    rest = sum(n for _name, n in by_commune[12:])
    if rest:
        communes.append(Row(_("Các xã, phường khác"), rest, orgs))
    return [
        Section(
            "businesses_status",
            _("Cơ sở theo trạng thái"),
            [Row(_label(OrgStatus, s), by_status.get(s, 0), orgs) for s in OrgStatus.values],
        ),
        Section(
            "businesses_type",
            _("Cơ sở theo loại hình"),
            [Row(_label(BusinessType, t), by_type.get(t, 0), orgs) for t in BusinessType.values],
        ),
        Section("businesses_commune", _("Cơ sở theo xã, phường"), communes),
    ]


def product_sections(scope):
    from txng.catalog.models import Product, PublicState, Revision, RevisionState

    products = scope.scoped(Product.objects.all())
    by_state = dict(products.values_list("state").annotate(n=Count("pk")).order_by())
    pending = scope.scoped(Revision.objects.filter(state=RevisionState.PENDING)).count()
    mine = scope.level == "business"
    listing = scope.link("catalog:products")
    queue = scope.link("catalog:products" if mine else "catalog:queue")
    return [
        Section(
            "products",
            _("Sản phẩm"),
            [
                Row(_("Đang công bố"), by_state.get(PublicState.PUBLISHED, 0), listing),
                Row(_("Chờ duyệt"), pending, queue),
                Row(_("Chưa công bố"), by_state.get(PublicState.DRAFT, 0), listing),
                Row(_("Đã bị gỡ"), by_state.get(PublicState.WITHDRAWN, 0), listing),
            ],
        )
    ]


def tracing_sections(scope):
    lots = scope.link("tracing:lots")
    out = [
        Section(
            "tracing",
            _("Truy xuất trong kỳ"),
            [
                Row(_("Lô hàng được ghi"), tally_total(scope, Metric.LOTS), lots),
                Row(_("Sự kiện truy xuất được ghi"), tally_total(scope, Metric.EVENTS), lots),
            ],
        )
    ]
    if scope.level == "business":
        from txng.tracing.models import Lot

        stock = (
            Lot.objects.filter(business=scope.organisation, in_stock__gt=0)
            .values_list("product__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "product__name")[:10]
        )
        link = scope.link("tracing:stock")
        out.append(
            Section("stock", _("Lô còn tồn kho theo sản phẩm"), [Row(n, c, link) for n, c in stock])
        )
    return out


def stamp_sections(scope):
    from txng.stamps.models import OrderState, PrintOrder

    orders = scope.scoped(
        PrintOrder.objects.filter(
            created_at__date__gte=scope.start,
            created_at__date__lte=scope.end,
        ).exclude(state__in=(OrderState.REJECTED, OrderState.CANCELLED))
    )
    ordered = orders.aggregate(n=Sum("quantity"))["n"] or 0
    link = scope.link("stamps:orders")
    scans = scope.link("stamps:scans")
    by_month = tally_by_month(scope, Metric.SCANS)
    return [
        Section(
            "stamps",
            _("Tem QR trong kỳ"),
            [
                Row(_("Tem được đặt in"), ordered, link),
                Row(_("Tem được kích hoạt"), tally_total(scope, Metric.ACTIVATIONS), link),
                Row(_("Lượt quét tem"), sum(n for _m, n in by_month), scans),
            ],
        ),
        Section(
            "scans_month",
            _("Lượt quét tem theo tháng"),
            [Row(f"{m:%m/%Y}", n, scans) for m, n in by_month],
            chart="columns",
        ),
    ]


register("businesses", business_sections, position=10)
register("products", product_sections, position=20)
register("tracing", tracing_sections, position=30)
register("stamps", stamp_sections, position=40)
