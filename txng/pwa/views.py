import hashlib
import json

from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from txng.accounts.provinces import current as current_province
from txng.common.csp import allow_wasm
from txng.common.vendor import vendor_url
from txng.pwa import icons
from txng.stamps import codes
from txng.stamps.lookup import find_stamp
from txng.stamps.models import StampState

# Small files every app screen needs, cached when the service worker installs. The decoder's
# wasm (about 1 MB) is cached only once a phone without BarcodeDetector has used it.
SHELL_STATIC = (
    "txng/site.css",
    "txng/app.js",
    "txng/outbox.js",
    "txng/barcode.js",
    "txng/scanner.js",
    "txng/stamp-camera.js",
)
HISTORY_LIMIT = 50


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request):
    province = current_province()
    data = {
        "id": "/app/",
        "name": province.app_name,
        "short_name": province.app_name[:12],
        "description": _("Quét tem, xem nguồn gốc sản phẩm và ghi nhật ký sản xuất của %(p)s.")
        % {"p": province.name},
        "lang": "vi",
        "start_url": reverse("pwa:home") + "?source=pwa",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": icons.GREEN,
        "icons": [
            *(
                {
                    "src": reverse("pwa:icon", args=[size]),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                    "purpose": "any maskable",
                }
                for size in icons.SIZES
            ),
            {"src": static(province.logo), "sizes": "any", "type": "image/svg+xml"},
        ],
        "shortcuts": [
            {"name": _("Quét tem"), "url": reverse("pwa:home"), "icons": []},
        ],
    }
    body = json.dumps(data, ensure_ascii=False, indent=1)
    return HttpResponse(body, content_type="application/manifest+json; charset=utf-8")


@require_GET
@cache_control(max_age=86400, public=True)
def icon(request, size):
    if size not in icons.SIZES:
        raise Http404
    return HttpResponse(icons.png(current_province().logo, size), content_type="image/png")


def _shell_urls():
    urls = [reverse("pwa:home"), reverse("pwa:manifest")]
    urls += [static(name) for name in SHELL_STATIC]
    urls += [static(current_province().logo)]
    urls += [reverse("pwa:icon", args=[192])]
    return urls


@require_GET
@never_cache
def service_worker(request):
    shell = _shell_urls()
    # A new cache name whenever a shell file changes (hashed static names in production).
    version = hashlib.sha256("\n".join(shell).encode()).hexdigest()[:12]
    response = render(
        request,
        "pwa/sw.js",
        {
            "version": version,
            "shell_json": json.dumps(shell),
            "offline_url": reverse("pwa:home"),
            "csrf_url": reverse("pwa:csrf"),
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@allow_wasm
def home(request):
    """The app's first screen: scan, the history kept on this phone, and what waits to be
    sent. The page is the same for everyone (the history lives on the device), so it can be
    cached and opened offline."""
    return render(
        request,
        "pwa/home.html",
        {
            "zxing_url": vendor_url("txng/vendor/zxing-reader.js"),
            "wasm_url": vendor_url("txng/vendor/zxing_reader.wasm"),
            "check_url": reverse("pwa:check"),
        },
    )


@require_GET
@never_cache
def csrf(request):
    """A fresh CSRF token for the service worker, which cannot read cookies, before it sends
    the forms kept offline."""
    if not request.user.is_authenticated:
        return JsonResponse({"token": None}, status=403)
    return JsonResponse({"token": get_token(request)})


def _status(code):
    normal = codes.normalise(code)
    if len(normal) == codes.DATA_LENGTH:
        # A stamp's Digital Link carries the code without its check character (AI 21).
        try:
            normal += codes.check_char(normal)
        except ValueError:
            return None
    if codes.problem(normal) is not None:
        return None
    stamp = find_stamp(normal)
    if stamp is None:
        return {"verdict": "unknown"}
    product = stamp.order.product
    recalled = stamp.state == StampState.ACTIVATED and stamp.recall_id is not None
    if recalled:
        verdict = "recalled"
    elif stamp.state == StampState.VOIDED:
        verdict = "voided"
    elif stamp.flagged:
        verdict = "flagged"
    elif stamp.state != StampState.ACTIVATED:
        verdict = "not_activated"
    else:
        verdict = "genuine"
    return {
        "verdict": verdict,
        "name": product.name if product.is_public else "",
        "recall_reason": stamp.recall_reason or "" if recalled else "",
        "url": reverse("stamps:scan", args=[normal]),
    }


@require_GET
@never_cache
def check(request):
    """The state of the stamps in a phone's scan history, read without counting a scan: the
    app opens with a warning for any product recalled since it was scanned."""
    wanted = request.GET.getlist("code")[:HISTORY_LIMIT]
    answer = {}
    for code in wanted:
        if len(code) <= 40 and (status := _status(code)) is not None:
            answer[code] = status
    return JsonResponse({"stamps": answer})
