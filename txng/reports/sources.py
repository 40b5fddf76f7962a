"""The figures and hand-overs of the apps reports sits above: cases (feedback) and OCOP results
and participation certificates (ocop). Registered from ReportsConfig.ready, so feedback and ocop
know nothing of reports."""

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from txng.accounts.models import OrgStatus
from txng.catalog.models import Product, PublicState
from txng.feedback.models import Case, CaseKind
from txng.ocop.models import Certificate, Result
from txng.reports import exports
from txng.reports.figures import Row, Section
from txng.stamps.models import Stamp
from txng.tracing.models import Lot

EXPIRING_DAYS = 90  # the ocop reminders' first warning


def case_sections(scope):
    """Open and overdue cases by kind, about the scope's businesses (a case about no business
    is DOST's, so only the province counts it)."""
    cases = Case.objects.open()
    if scope.level != "province":
        cases = scope.scoped(cases)
    today = timezone.localdate()
    is_business = scope.level == "business"
    # A business's cases page lists only those it was asked to explain: no link for it.
    link = "" if is_business else scope.link("feedback:cases")
    overdue_link = "" if is_business else scope.link("feedback:cases", "state=overdue")
    open_by_kind = dict(cases.values_list("kind").annotate(n=Count("pk")).order_by())
    late_by_kind = dict(
        cases.filter(deadline__lt=today).values_list("kind").annotate(n=Count("pk")).order_by()
    )
    return [
        Section(
            "cases_open",
            _("Phản ánh đang xử lý theo loại"),
            [Row(label, open_by_kind.get(kind, 0), link) for kind, label in CaseKind.choices],
        ),
        Section(
            "cases_overdue",
            _("Phản ánh quá hạn theo loại"),
            [
                Row(label, late_by_kind.get(kind, 0), overdue_link)
                for kind, label in CaseKind.choices
            ],
        ),
    ]


def _valid_certificates(today):
    """The certificates whose state reads "valid" (Certificate.status), counted in the database:
    not revoked, not past their date, the business neither locked nor revoked, no product
    covered taken down."""
    withdrawn = Product.objects.filter(
        txng_certificates=OuterRef("pk"), state=PublicState.WITHDRAWN
    )
    return (
        Certificate.objects.filter(revoked_at__isnull=True, valid_until__gte=today)
        .exclude(business__status__in=(OrgStatus.LOCKED, OrgStatus.REVOKED))
        .exclude(Exists(withdrawn))
    )


def ocop_sections(scope):
    today = timezone.localdate()
    soon = today + timedelta(days=EXPIRING_DAYS)
    # Result.objects.valid() is what the ocop pages call valid: recognised, not revoked, in date.
    results = scope.scoped(Result.objects.valid(today), "product__business")
    mine = scope.level == "business"
    link = scope.link("ocop:mine" if mine else "ocop:overview")
    cert_link = scope.link("ocop:my_certificates") if mine else ""
    if scope.level == "province":
        cert_link = scope.link("ocop:certificates")
    by_stars = dict(results.values_list("stars").annotate(n=Count("pk")).order_by())
    certificates = scope.scoped(_valid_certificates(today))
    return [
        Section(
            "ocop_stars",
            _("Sản phẩm OCOP còn hiệu lực theo số sao"),
            [Row(_("%(n)s sao") % {"n": n}, by_stars.get(n, 0), link) for n in range(1, 6)],
        ),
        Section(
            "ocop_expiring",
            _("OCOP và giấy xác nhận"),
            [
                Row(
                    _("Kết quả OCOP hết hiệu lực trong 90 ngày"),
                    results.filter(valid_until__lte=soon).count(),
                    link,
                ),
                Row(
                    _("Giấy xác nhận tham gia TXNG còn hiệu lực"),
                    certificates.count(),
                    cert_link,
                ),
                Row(
                    _("Giấy xác nhận hết hiệu lực trong 90 ngày"),
                    certificates.filter(valid_until__lte=soon).count(),
                    cert_link,
                ),
            ],
            chart="",
        ),
    ]


def case_lots(case):
    """The lots a case is about: the stamped lot when the reporter gave a stamp's code, else the
    business's lots of the product (every lot of the business when no product is named)."""
    if case.stamp_code:
        stamp_lot = Stamp.objects.filter(code=case.stamp_code, lot__isnull=False).values("lot")
        lots = Lot.objects.filter(pk__in=stamp_lot)
        if lots.exists():
            return lots
    if case.business_id is None:
        return Lot.objects.none()
    lots = Lot.objects.filter(business=case.business_id)
    if case.product_id:
        lots = lots.filter(product=case.product_id)
    return lots


CASE_SOURCE = exports.Source(
    Case,
    case_lots,
    lambda case: (
        _("Phản ánh %(code)s: %(kind)s") % {"code": case.code, "kind": case.get_kind_display()}
    ),
    "feedback:case",
)


def case_actions(request, case=None, handles=False, **_context):
    """The hand-over on the case page, for the officials handling a case about a business."""
    if case is None or not handles or case.business_id is None:
        return None
    html = render_to_string(
        "reports/_handover.html", {"source": "case", "pk": case.pk}, request=request
    )
    return mark_safe(html)  # noqa: S308
