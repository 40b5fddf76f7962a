"""GS1 Digital Link resolver: a GTIN stamp's URI opens the same scan page as /q/<code>; an
SSCC's URI takes the receiving business to the goods that came on that carton or pallet."""

from urllib.parse import unquote

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from stdnum import ean

from txng.catalog.identifiers import validate_sscc
from txng.stamps import codes, scans
from txng.stamps.lookup import find_stamp
from txng.stamps.public_views import render_stamp


def _gtin14(gtin):
    if not ean.is_valid(gtin):
        raise Http404("GTIN không hợp lệ")
    return gtin.zfill(14)


def stamp(request, gtin, serial, lot=None):
    gtin = _gtin14(gtin)
    body = codes.normalise(unquote(serial))
    try:
        code = body + codes.check_char(body)
    except ValueError:
        code = ""
    found = find_stamp(code) if len(body) == codes.DATA_LENGTH else None
    if found is not None and (found.order.product.gtin or "").zfill(14) != gtin:
        found = None  # a real code under another product's GTIN is not this product's stamp
    lot_mismatch = bool(
        found and lot is not None and found.lot_id and found.lot.code != unquote(lot)
    )
    code = code or body[:40]
    entry = scans.log_scan(request, code, found) if scans.is_page_view(request) else None
    return render_stamp(request, code, found, entry, lot_mismatch=lot_mismatch)


def product(request, gtin):
    from txng.catalog.models import Product

    gtin = _gtin14(gtin)
    candidates = [gtin, gtin.lstrip("0")] + [gtin[-n:] for n in (13, 12, 8)]
    published = getattr(Product.objects, "published", Product.objects.all)()
    item = published.filter(gtin__in=candidates).first()
    if item is None or not hasattr(item, "get_absolute_url"):
        raise Http404
    return redirect(item.get_absolute_url())


def logistic_unit(request, sscc):
    """/00/<sscc>, as a phone reads it from a label's QR code: sign in, then see what came on it."""
    try:
        validate_sscc(sscc)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from exc
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.is_business:
        raise PermissionDenied
    return redirect(f"{reverse('tracing:incoming')}?sscc={sscc}")
