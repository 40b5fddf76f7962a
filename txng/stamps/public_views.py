"""The consumer's side: the scan page /q/<code>, retyping a code, reporting a suspected fake."""

from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from txng.accounts.actions import notify, notify_dost
from txng.accounts.models import NotificationKind
from txng.catalog import facts
from txng.catalog.cache import CATALOG_VERSION
from txng.common.http import client_ip
from txng.common.ratelimit import hit, rate_limited
from txng.stamps import codes, frames, hooks, scans
from txng.stamps.audit_actions import AuditAction
from txng.stamps.forms import FakeReportForm, LocationForm
from txng.stamps.lookup import cached_order, find_stamp, order_token, order_versions
from txng.stamps.models import Scan, ScanResult, StampState
from txng.tracing.cache import TRACE_VERSION, lot_version
from txng.tracing.queries import public_timeline

LOCATION_SALT = "stamps.scan-location"
LOCATION_MAX_AGE = 3600


def location_token(scan_id):
    """Proof that this page issued the scan: lets its visitor add a location, for an hour."""
    return signing.TimestampSigner(salt=LOCATION_SALT).sign(str(scan_id))


def location_scan_id(token):
    """The scan id in a token from location_token(); raises signing.BadSignature."""
    value = signing.TimestampSigner(salt=LOCATION_SALT).unsign(token, max_age=LOCATION_MAX_AGE)
    if not value.isdigit():
        raise signing.BadSignature(value)
    return int(value)


def _cache_headers(response):
    # Each scan must reach the server: to be counted, and so that a recall shows on the very
    # next scan. The server caches the page's parts (see frames.py), not the browser. The
    # response is new, so the headers are set, not merged (patch_* parse them first).
    response.headers["Cache-Control"] = "no-cache, private"
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response


PROBLEM_MESSAGES = {
    "characters": _lazy("Mã có ký tự không có trên tem. Mã tem chỉ gồm chữ số và chữ cái in hoa."),
    "short": _lazy("Mã quá ngắn: mã in dưới tem có 15 ký tự, bạn mới nhập %(n)s."),
    "long": _lazy("Mã quá dài: mã in dưới tem có 15 ký tự, bạn đã nhập %(n)s."),
}


def scan(request, code):
    normal = codes.complete(codes.normalise(code))
    if codes.problem(normal) is not None:
        scans.record_scan(request, normal[:40], ScanResult.MISTYPED)
        return _mistyped(request, code, normal)
    if normal != code:
        return redirect("stamps:scan", code=normal, permanent=True)
    stamp, entry = scans.record_scan(request, normal)
    return render_stamp(request, normal, stamp, entry)


def _mistyped(request, typed, normal):
    problem = codes.problem(normal)
    if problem == "check":
        message = _("Mã “%(code)s” có ký tự kiểm tra không khớp: có thể bạn gõ nhầm một ký tự.")
    else:
        message = PROBLEM_MESSAGES[problem]
    context = {"code": typed, "error": message % {"code": typed, "n": len(normal)}}
    response = render(request, "stamps/scan_mistyped.html", context, status=404)
    return _cache_headers(response)


def verdict(stamp, lot, *, recalled, expired):
    """The one thing the page says first, agreeing with every signal: recalled, voided, flagged
    (on the counterfeit list), not activated, expired, or genuine."""
    if recalled:
        return "recalled"
    if stamp.state == StampState.VOIDED:
        return "voided"
    if stamp.flagged:
        return "flagged"
    if stamp.state != StampState.ACTIVATED:
        return "not_activated"
    if expired:
        return "expired"
    return "genuine"


def render_stamp(request, code, stamp, entry, *, lot_mismatch=False):
    """The scan page for `stamp` (None: an unknown code), its scan logged as `entry` (None when
    the request was not counted)."""
    if stamp is None:
        response = render(request, "stamps/scan_unknown.html", {"code": code}, status=404)
        return _cache_headers(response)
    lot = stamp.lot if stamp.state == StampState.ACTIVATED else None
    recalled = lot is not None and stamp.recall_id is not None
    recall_reason = stamp.recall_reason if recalled else ""
    expired = bool(lot and lot.expiry_date and lot.expiry_date < timezone.localdate())
    said = verdict(stamp, lot, recalled=recalled, expired=expired)
    # Picks the sentence's plural form and the "scanned before" note; the count is a hole.
    shown_count = min(stamp.scan_count, 2)

    def context(tokens):
        product = cached_order(stamp.order_id, order_token(stamp.order_id, tokens[:2])).product
        steps = public_timeline(lot) if lot else []
        return {
            "stamp": stamp,
            "product": product,
            "business": product.business,
            "lot": lot,
            "verdict": said,
            "recall_reason": recall_reason,
            "timeline": steps,
            # The facts block then lists the lot's items too and says whether all ten of
            # Circular 02/2024 are there, as the trace page does.
            "facts_lot": lot,
            "facts_missing": facts.missing_items(product, lot, steps) if lot else [],
            "lot_mismatch": lot_mismatch,
            # Only approved content: full Circular 02/2024 facts for a published product; for
            # any other, neither its name nor its facts (they were never approved), only the
            # producer.
            "product_public": product.is_public,
            "scan_count": shown_count,
        }

    first = stamp.first_scanned_at
    page = frames.render_framed(
        request,
        "stamps/scan.html",
        context,
        # Everything the page shows apart from the filled-in holes below and the versions of
        # the product (with its producer, images and documents) and of the trace (when it shows
        # a lot's timeline).
        key=(
            stamp.order_id,
            stamp.state,
            lot and (lot.pk, lot.code, lot.production_date, lot.expiry_date, lot.trace_code),
            said,
            recall_reason,
            lot_mismatch,
            get_language(),
            shown_count,
            # Documents say whether they have expired (and OCOP results whether they hold),
            # as of today.
            timezone.localdate(),
        ),
        # The order's versions come first (the context reads them as tokens[:2]). The
        # catalogue's holds the product's images, documents and producer profile: an image
        # taken down (its file deleted), or moved to the public path once its product is
        # approved, renders the page again.
        versions=[*order_versions(stamp.order_id), CATALOG_VERSION]
        + ([TRACE_VERSION, lot_version(lot.pk)] if lot is not None else []),
        fills={
            "times": str(stamp.scan_count),
            "first_scan": timezone.localtime(first).strftime("%d/%m/%Y %H:%M") if first else "—",
            "human_code": codes.format_for_humans(code),
            "serial": str(stamp.serial),
            "location_token": location_token(entry.pk) if entry else "",
            "report_url": reverse("stamps:report", args=[code]),
        },
    )
    return _cache_headers(HttpResponse(page))


def retype(request):
    """/q/ : the box to type the code printed under the stamp (a GET form, so it works without
    JavaScript). Spaces, dashes and lower case are fine; a code too short or too long is told
    so here, a well-formed one goes to its scan page (which tells a typo from an unknown code)."""
    typed = request.GET.get("code", "")
    error = ""
    if typed.strip():
        normal = codes.complete(codes.normalise(typed))[:40]
        problem = codes.problem(normal)
        if problem in (None, "check"):
            return redirect("stamps:scan", code=normal)
        error = PROBLEM_MESSAGES[problem] % {"n": len(normal)}
    return render(request, "stamps/enter_code.html", {"code": typed[:40], "error": error})


@csrf_exempt  # no session is involved: the signed token proves the scan page issued it
@require_POST
def location(request):
    form = LocationForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    if hit(f"scanloc:{client_ip(request)}", limit=30, seconds=3600):
        return HttpResponse(status=429)
    try:
        pk = location_scan_id(form.cleaned_data["token"])
    except signing.BadSignature:
        return HttpResponseBadRequest()
    entry = Scan.objects.filter(pk=pk).first()
    if entry is None:
        return HttpResponseBadRequest()
    scans.attach_location(entry, form.cleaned_data["lat"], form.cleaned_data["lon"])
    return HttpResponse(status=204)


@rate_limited("fake-report", limit=5, seconds=3600, methods=("POST",))
def report(request, code):
    code = codes.normalise(code)[:40]
    stamp = find_stamp(code) if codes.verify(code) else None
    form = FakeReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        report = submit_report(form.save(commit=False), code=code, stamp=stamp, request=request)
        messages.success(request, _("Cảm ơn bạn. Phản ánh đã được gửi tới cơ quan quản lý."))
        if report.tracking_url:
            return redirect(report.tracking_url)
        if stamp is not None:
            return redirect("stamps:scan", code=code)
        return redirect("public:home")
    return render(request, "stamps/report.html", {"form": form, "code": code, "stamp": stamp})


@transaction.atomic
def submit_report(report, *, code, stamp, request):
    """Store the report and tell DOST and the agencies that manage the business."""
    from txng.audit.actions import record

    report.code = code
    report.stamp = stamp
    report.business = stamp.order.business if stamp else None
    report.ip_hash = scans.hash_ip(client_ip(request))
    report.save()
    record(None, AuditAction.FAKE_REPORT, report, keep_ip=False)
    # A receiver (feedback's cases) puts the report in DOST's queue of cases and tells DOST.
    report.tracking_url = hooks.report_received(report)
    message = _("Phản ánh nghi hàng giả: mã %(code)s, mua tại %(where)s") % {
        "code": code or "—",
        "where": report.where_bought,
    }
    link = reverse("stamps:scans")
    if report.tracking_url is None:
        notify_dost(message, link, kind=NotificationKind.STAMP_ALERT)
    if report.business is not None:
        for agency in report.business.managers.all():
            notify(agency, message, link, kind=NotificationKind.STAMP_ALERT)
        notify(report.business, message, link, kind=NotificationKind.STAMP_ALERT)
    return report
