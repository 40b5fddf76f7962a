"""The consumer's side: the scan page /q/<code>, retyping a code, reporting a suspected fake."""

import functools
import secrets

from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from txng.accounts.actions import notify, notify_dost
from txng.audit.middleware import client_ip
from txng.common.ratelimit import hit, rate_limited
from txng.stamps import codes, scans
from txng.stamps.forms import FakeReportForm, LocationForm
from txng.stamps.models import PrintOrder, Scan, ScanResult, Stamp, StampState
from txng.tracing.cache import trace_version
from txng.tracing.queries import public_timeline

LOCATION_SALT = "stamps.scan-location"

RESULT_BY_STATE = {
    StampState.GENERATED: ScanResult.NOT_ACTIVATED,
    StampState.PRINTED: ScanResult.NOT_ACTIVATED,
    StampState.ACTIVATED: ScanResult.OK,
    StampState.VOIDED: ScanResult.VOIDED,
}


def _cache_headers(response):
    # Each scan must reach the server to be counted, but a reload within a minute (slow
    # networks, the back button) may come from the browser's cache.
    patch_cache_control(response, private=True, max_age=60)
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


ORDER_KEY = "stamps:scan-order:{pk}:{version}"
ORDER_VERSION_KEY = "stamps:scan-order-version"
ORDER_SECONDS = 60  # what a save that bypasses signals (a queryset update) may lag by


def _order_version():
    version = cache.get(ORDER_VERSION_KEY)
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(ORDER_VERSION_KEY, version, timeout=None):
            version = cache.get(ORDER_VERSION_KEY, version)
    return version


def _new_order_version():
    cache.set(ORDER_VERSION_KEY, secrets.token_hex(8), timeout=None)


def bump_order_version(**_kwargs):
    """A print order, product, business or facility changed: drop cached orders on commit."""
    transaction.on_commit(_new_order_version)


def _order(pk):
    """The print order with its product, producer and facility: the same for every stamp on
    it, so kept in the cache rather than joined on every scan."""
    key = ORDER_KEY.format(pk=pk, version=_order_version())
    order = cache.get(key)
    if order is None:
        order = PrintOrder.objects.select_related("product__business", "product__facility").get(
            pk=pk
        )
        cache.set(key, order, ORDER_SECONDS)
    return order


def find_stamp(code):
    stamp = Stamp.objects.select_related("lot").filter(code=code).first()
    if stamp is not None:
        stamp.order = _order(stamp.order_id)
    return stamp


def scan(request, code):
    normal = codes.normalise(code)
    if not codes.verify(normal):
        scans.log_scan(request, normal, None, ScanResult.MISTYPED)
        response = render(request, "stamps/scan_mistyped.html", {"code": code}, status=404)
        return _cache_headers(response)
    if normal != code:
        return redirect("stamps:scan", code=normal, permanent=True)
    return render_stamp(request, normal, find_stamp(normal))


def render_stamp(request, code, stamp, *, lot_mismatch=False):
    if stamp is None:
        scans.log_scan(request, code, None, ScanResult.UNKNOWN)
        response = render(request, "stamps/scan_unknown.html", {"code": code}, status=404)
        return _cache_headers(response)
    result = RESULT_BY_STATE[stamp.state]
    first_scan = stamp.first_scanned_at
    entry = scans.log_scan(request, code, stamp, result)
    lot = stamp.lot if stamp.state == StampState.ACTIVATED else None
    product = stamp.order.product
    recall = None
    timeline = []
    expired = False
    version = None
    if lot is not None:
        recall = lot.active_recall  # always read live: a recall shows on the very next scan
        expired = bool(lot.expiry_date and lot.expiry_date < timezone.localdate())
        # The timeline is rendered inside a cache fragment keyed by the trace version, so it
        # is only computed (the template calls it) when that fragment is missing.
        timeline = functools.cache(functools.partial(public_timeline, lot))
        version = trace_version()
    context = {
        "stamp": stamp,
        "code": code,
        "human_code": codes.format_for_humans(code),
        "product": product,
        "business": product.business,
        "lot": lot,
        "recall": recall,
        "recall_reason": getattr(recall, "reason", ""),
        "expired": expired,
        "timeline": timeline,
        "trace_version": version,
        "lot_mismatch": lot_mismatch,
        "scan_count": stamp.scan_count,
        "first_scan": first_scan or entry.at,
        # Full Circular 02/2024 facts only for published products; otherwise name and producer.
        "product_public": product.is_public,
        "location_token": signing.dumps(entry.pk, salt=LOCATION_SALT, compress=True),
    }
    return _cache_headers(render(request, "stamps/scan.html", context))


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
        pk = signing.loads(form.cleaned_data["token"], salt=LOCATION_SALT, max_age=3600)
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
    record(None, "stamps.fake_report", report)
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
