"""The consumer's side: the scan page /q/<code>, retyping a code, reporting a suspected fake."""

import functools
import time

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from txng.accounts.actions import notify, notify_dost
from txng.common.http import client_ip
from txng.common.ratelimit import hit, rate_limited
from txng.stamps import codes, frames, scanqueue, scans
from txng.stamps.audit_actions import AuditAction
from txng.stamps.forms import FakeReportForm, LocationForm
from txng.stamps.lookup import find_stamp, order_version
from txng.stamps.models import Scan, ScanResult, StampState
from txng.tracing.cache import trace_version
from txng.tracing.queries import public_timeline

LOCATION_SALT = "stamps.scan-location"
LOCATION_MAX_AGE = 3600


@functools.cache
def _location_signer(secret_key):
    return signing.TimestampSigner(key=secret_key, salt=LOCATION_SALT)


def location_token(scan_id):
    """Proof that this page issued the scan: lets its visitor add a location, for an hour."""
    # One signer per key, not one per scan: making it costs more than signing.
    return _location_signer(settings.SECRET_KEY).sign(str(scan_id))


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


def scan(request, code):
    normal = codes.normalise(code)
    if not codes.verify(normal):
        scans.log_scan(request, normal, None, ScanResult.MISTYPED)
        response = render(request, "stamps/scan_mistyped.html", {"code": code}, status=404)
        return _cache_headers(response)
    if normal != code:
        return redirect("stamps:scan", code=normal, permanent=True)
    return render_stamp(request, normal, *scans.scan_code(request, normal))


@functools.cache
def _report_url_parts(language):
    # reverse() on every scan costs more than the page's other holes together.
    return reverse("stamps:report", args=["CODE"]).split("CODE")


def _report_url(code):
    before, after = _report_url_parts(get_language())
    return f"{before}{code}{after}"


def _day_and_time(moment):
    # As strftime("%d/%m/%Y %H:%M") writes it, for a third of the time.
    return f"{moment.day:02}/{moment.month:02}/{moment.year} {moment.hour:02}:{moment.minute:02}"


def render_stamp(request, code, stamp, entry, *, lot_mismatch=False):
    """The scan page for a scan already logged as `entry` (see scans.scan_code)."""
    if stamp is None:
        response = render(request, "stamps/scan_unknown.html", {"code": code}, status=404)
        return _cache_headers(response)
    lot = stamp.lot if stamp.state == StampState.ACTIVATED else None
    recalled = lot is not None and stamp.recall_id is not None
    recall_reason = stamp.recall_reason if recalled else ""
    expired = bool(lot and lot.expiry_date and lot.expiry_date < timezone.localdate())
    version = trace_version() if lot is not None else None
    # Picks the sentence's plural form and the "scanned before" note; the count is a hole.
    shown_count = min(stamp.scan_count, 2)

    def context():
        product = stamp.order.product
        return {
            "stamp": stamp,
            "product": product,
            "business": product.business,
            "lot": lot,
            "recall": recalled,
            "recall_reason": recall_reason,
            "expired": expired,
            # The timeline is rendered inside a cache fragment keyed by the trace version, so
            # it is only computed (the template calls it) when that fragment is missing.
            "timeline": functools.cache(functools.partial(public_timeline, lot)) if lot else [],
            "trace_version": version,
            "lot_mismatch": lot_mismatch,
            # Full Circular 02/2024 facts only for published products; else name and producer.
            "product_public": product.is_public,
            "scan_count": shown_count,
        }

    page = frames.render_framed(
        request,
        "stamps/scan.html",
        context,
        # Everything the page shows apart from the filled-in holes below.
        key=(
            stamp.order_id,
            order_version(),
            stamp.state,
            lot and (lot.pk, lot.code, lot.production_date, lot.expiry_date, lot.trace_code),
            recall_reason,
            expired,
            lot_mismatch,
            version,
            get_language(),
            shown_count,
        ),
        fills={
            "times": str(stamp.scan_count),
            "first_scan": _day_and_time(timezone.localtime(stamp.first_scanned_at)),
            "human_code": codes.format_for_humans(code),
            "serial": str(stamp.serial),
            "location_token": location_token(entry.pk),
            "report_url": _report_url(code),
        },
    )
    return _cache_headers(HttpResponse(page))


def retype(request):
    """The retype box on the mistyped page (a GET form, so it works without JavaScript)."""
    typed = request.GET.get("code", "")
    if not typed.strip():
        return redirect("public:home")
    return redirect("stamps:scan", code=codes.normalise(typed)[:40] or "0")


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
    entry = _written_scan(pk)
    if entry is None:
        return HttpResponseBadRequest()
    scans.attach_location(entry, form.cleaned_data["lat"], form.cleaned_data["lon"])
    return HttpResponse(status=204)


def _written_scan(pk):
    """The scan with this id. It may still be queued (scanqueue.py): in this process, so write
    it now; or in another, which writes it within SCAN_FLUSH_SECONDS."""
    entry = Scan.objects.filter(pk=pk).first()
    if entry is None and scanqueue.buffered():
        scans.queue.flush()
        entry = Scan.objects.filter(pk=pk).first()
        if entry is None:
            time.sleep(settings.SCAN_FLUSH_SECONDS + 0.5)
            entry = Scan.objects.filter(pk=pk).first()
    return entry


@rate_limited("fake-report", limit=5, seconds=3600, methods=("POST",))
def report(request, code):
    code = codes.normalise(code)[:40]
    stamp = find_stamp(code) if codes.verify(code) else None
    form = FakeReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        submit_report(form.save(commit=False), code=code, stamp=stamp, request=request)
        messages.success(request, _("Cảm ơn bạn. Phản ánh đã được gửi tới cơ quan quản lý."))
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
    message = _("Phản ánh nghi hàng giả: mã %(code)s, mua tại %(where)s") % {
        "code": code or "—",
        "where": report.where_bought,
    }
    link = reverse("stamps:scans")
    notify_dost(message, link)
    if report.business is not None:
        for agency in report.business.managers.all():
            notify(agency, message, link)
        notify(report.business, message, link)
    return report
