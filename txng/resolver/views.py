"""The GS1-Conformant resolver (GS1-Conformant Resolver 1.1, GS1 Digital Link 1.2, TCVN 13275).

A GS1 Digital Link URI under this site (/01/<gtin>[/10/<lot>][/21/<serial>], /00/<sscc>,
/414/<gln>, /417/<pgln>) redirects (307, the query string kept) to its default link, or to the
link type asked for with ?linkType=gs1:…; ?linkType=linkset (or all), or an Accept of
application/linkset+json, answers the linkset of RFC 9264. A stamp's URI is the exception: its
default link is the scan page itself, answered in place as /q/<code> answers it, so a consumer's
scan costs no extra round trip. docs/resolver.md lists the standard's checks and their tests.
"""

import json

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from txng.common.access import get_visible_or_404, role_required
from txng.common.forms import save_form
from txng.resolver import actions
from txng.resolver import links as linkset_module
from txng.resolver.digital_link import DigitalLinkError, is_compressed, parse, parse_compressed
from txng.resolver.forms import DelegationForm
from txng.resolver.models import Delegation
from txng.stamps import codes
from txng.stamps.lookup import find_stamp
from txng.stamps.service import scan_response

LINKSET_TYPE = "application/linkset+json"
ALLOWED = "GET, HEAD, OPTIONS"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": ALLOWED,
    "Access-Control-Allow-Headers": "Accept, Accept-Language",
    "Access-Control-Expose-Headers": "Link, Location",
    "Access-Control-Max-Age": "86400",
}
SUPPORTED_PRIMARY_KEYS = ["01", "00", "414", "417"]


def _with_cors(response):
    for header, value in CORS.items():
        response[header] = value
    return response


def _error(request, status, message):
    """An error never answers 200: 400 for a malformed URI, 404 for what is not known."""
    if LINKSET_TYPE in request.headers.get("Accept", "") or "json" in request.headers.get(
        "Accept", ""
    ):
        response = JsonResponse({"status": status, "detail": message}, status=status)
    else:
        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return _with_cors(response)


def _link_header(request, link, compressed=False):
    here = request.build_absolute_uri(link.path)
    same_as = [f'<{link.canonical_uri}>; rel="owl:sameAs"']
    if compressed:
        # The uncompressed URI on this resolver, answered here rather than redirected to
        # (GS1-Conformant Resolver 1.1: SHALL expose it, SHOULD NOT redirect to it).
        same_as.insert(0, f'<{here}>; rel="owl:sameAs"')
    return ", ".join([f'<{here}?linkType=linkset>; rel="linkset"; type="{LINKSET_TYPE}"', *same_as])


def _with_query(target, request):
    """The request's query string goes on to the target, all its key=value pairs (§6.6)."""
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return target
    return f"{target}{'&' if '?' in target else '?'}{query}"


def _stamp_in_place(request, link):
    """The scan page of a stamp's Digital Link, as the stamps app answers /q/<code>."""
    body = codes.normalise(link.qualifier("21"))
    try:
        code = body + codes.check_char(body)
    except ValueError:
        code = ""
    found = find_stamp(code) if len(body) == codes.DATA_LENGTH else None
    if found is not None and (found.order.product.gtin or "").zfill(14) != link.value:
        found = None  # a real code under another product's GTIN is not this product's stamp
    lot = link.qualifier("10")
    lot_mismatch = bool(found and lot is not None and found.lot_id and found.lot.code != lot)
    return scan_response(request, code or body[:40], found, lot_mismatch=lot_mismatch)


@csrf_exempt
def resolve(request, dl):
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        response["Allow"] = ALLOWED
        return _with_cors(response)
    if request.method not in ("GET", "HEAD"):
        response = _error(request, 405, _("Chỉ nhận GET, HEAD và OPTIONS."))
        response["Allow"] = ALLOWED
        return response
    compressed = is_compressed(dl)
    try:
        read = parse_compressed if compressed else parse
        link = read(dl, request.META.get("QUERY_STRING", ""))
    except DigitalLinkError as exc:
        return _error(request, 400, str(exc))
    asked = request.GET.get("linkType", "")
    wants_linkset = asked in ("linkset", "all") or (
        not asked and LINKSET_TYPE in request.headers.get("Accept", "")
    )
    if not asked and not wants_linkset and link.qualifier("21") is not None and link.key == "01":
        response = _stamp_in_place(request, link)
        if response.status_code == 404 and linkset_module.resolve(link.levels()[-1]) == []:
            # A serial under a GTIN this province has nothing on: another resolver's, if any.
            response = _delegated(request, link, False) or response
    else:
        response = _resolve_links(request, link, asked, wants_linkset)
    header = _link_header(request, link, compressed)
    response["Link"] = ", ".join(filter(None, [header, response.get("Link")]))
    patch_vary_headers(response, ("Accept", "Accept-Language"))
    return _with_cors(response)


def _resolve_links(request, link, asked, wants_linkset):
    found = linkset_module.resolve(link)
    if not found:
        delegated = _delegated(request, link, wants_linkset)
        if delegated is not None:
            return delegated
        return _error(request, 404, _("Hệ thống không có thông tin về mã này."))
    if wants_linkset:
        translated = {}
        for language in linkset_module.LANGUAGES[1:]:
            with translation.override(language):  # the titles in that language
                translated[language] = linkset_module.resolve(link)
        document = linkset_module.linkset(found, request.build_absolute_uri, translated)
        response = HttpResponse(json.dumps(document, ensure_ascii=False), content_type=LINKSET_TYPE)
        response["Link"] = (
            f'<{linkset_module.LINKSET_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; '
            'type="application/ld+json"'
        )
        return response
    if asked:
        name = linkset_module.link_type_name(asked)
        target = next((item for _level, items in found for item in items if item.rel == name), None)
        if target is None:
            return _error(
                request, 404, _("Không có liên kết loại “%(type)s” cho mã này.") % {"type": asked}
            )
    else:
        target = found[0][1][0]
    # Of a link's languages, the one the client's Accept-Language ranks highest (§6.5 SHOULD).
    header = getattr(request, "accept_language", request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
    language = linkset_module.choose_language(header)
    response = HttpResponse(status=307)
    response["Location"] = _with_query(target.in_language(language), request)
    return response


def resolve_compressed(request, dl):
    """A fully compressed Digital Link (`/AQnYUc1gmiCNV4JG`). Its route comes last of the site's,
    and matches any one-segment path of base64url characters: one that does not decompress is
    the site's ordinary 404, or the page with a slash appended when there is one."""
    from django.http import Http404, HttpResponsePermanentRedirect
    from django.urls import Resolver404
    from django.urls import resolve as resolve_url

    from txng.common.dl_compression import CompressionError, decompress

    try:
        decompress(dl.strip("/"))
    except CompressionError:
        if not dl.endswith("/"):
            try:
                page = resolve_url(f"/{dl}/").url_name != "resolver_compressed"
            except Resolver404:
                page = False
            if page:  # what CommonMiddleware's APPEND_SLASH would have done
                return HttpResponsePermanentRedirect(f"/{dl}/")
        raise Http404 from None
    return resolve(request, dl)


def _delegated(request, link, wants_linkset):
    """For an identifier the system holds nothing on, whose GS1 company prefix DOST delegated:
    a 307 to the same Digital Link on that resolver, or with a linkset request the linkset
    saying so, both annotated gs1:handledBy (GS1-Conformant Resolver 1.1). None otherwise."""
    delegation = Delegation.objects.for_key(link.key, link.value)
    if delegation is None:
        return None
    target = delegation.target(link.path, request.META.get("QUERY_STRING", ""))
    handled_by = linkset_module.GS1_VOC + "handledBy"
    if wants_linkset:
        document = {
            "linkset": [
                {
                    "anchor": request.build_absolute_uri(link.path),
                    handled_by: [{"href": delegation.target(link.path), "title": delegation.name}],
                }
            ]
        }
        response = HttpResponse(json.dumps(document, ensure_ascii=False), content_type=LINKSET_TYPE)
        response["Link"] = (
            f'<{linkset_module.LINKSET_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; '
            'type="application/ld+json"'
        )
    else:
        response = HttpResponse(status=307)
        response["Location"] = target
        response["Link"] = f'<{delegation.target(link.path)}>; rel="gs1:handledBy"'
    return response


def description(request):
    """/.well-known/gs1resolver: what this resolver is and what it answers (§6.10)."""
    from txng.accounts.provinces import current, site_url

    document = {
        "name": current().app_name,
        "resolverRoot": site_url(),
        "supportedPrimaryKeys": SUPPORTED_PRIMARY_KEYS,
        "supportedLinkType": [{"namespace": linkset_module.GS1_VOC, "prefix": "gs1:"}],
        "linkTypeDefaultCanBeLinkset": False,
        "jsonLdContextLocation": linkset_module.LINKSET_CONTEXT,
    }
    return _with_cors(JsonResponse(document, json_dumps_params={"ensure_ascii": False}))


def _found_at(url):
    response = HttpResponse(status=307)
    response["Location"] = url
    return _with_cors(response)


def party(request, ref):
    """https://<domain>/id/party/<ref>, a business named in events by its opaque ref."""
    from txng.accounts.models import Organisation, OrgKind, OrgStatus
    from txng.catalog.models import business_url

    org = Organisation.objects.filter(
        ref=ref, kind=OrgKind.BUSINESS, status=OrgStatus.ACTIVE
    ).first()
    if org is None:  # a buyer outside the system (x.<ref>) has no public page
        return _error(request, 404, _("Không có trang công khai cho bên này."))
    return _found_at(business_url(org))


def lot(request, code):
    """https://<domain>/id/lot/<trace code>, the class of a lot without a GTIN."""
    from txng.tracing.models import Lot

    found = Lot.objects.public().by_trace_code(code).first()
    if found is None:
        return _error(request, 404, _("Hệ thống không có thông tin về mã này."))
    return _found_at(found.get_absolute_url())


def location(request, pk):
    """https://<domain>/id/loc/<id>, a place without a GLN: its business's page."""
    from txng.catalog.models import Facility, business_url

    facility = Facility.objects.filter(pk=pk).select_related("business").first()
    if facility is None:
        return _error(request, 404, _("Hệ thống không có thông tin về địa điểm này."))
    return _found_at(business_url(facility.business))


@role_required("dost")
def delegations(request, pk=None):
    """DOST's table of GS1 prefixes handled by another resolver (gs1:handledBy)."""
    if pk:
        delegation = get_visible_or_404(Delegation.objects, request.user, "manage", pk=pk)
    else:
        delegation = Delegation()
    form = DelegationForm(request.POST or None, instance=delegation)
    if save_form(
        request,
        form,
        lambda: actions.save_delegation(form.save(commit=False), actor=request.user),
        _("Đã lưu chuyển tiếp."),
    ):
        return redirect("resolver:delegations")
    return render(
        request,
        "resolver/delegations.html",
        {
            "form": form,
            "delegation": delegation,
            "rows": Delegation.objects.restrict(request.user, "manage"),
        },
    )


@role_required("dost")
@require_POST
def delegation_delete(request, pk):
    delegation = get_visible_or_404(Delegation.objects, request.user, "manage", pk=pk)
    actions.delete_delegation(delegation, actor=request.user)
    messages.success(request, _("Đã xoá chuyển tiếp."))
    return redirect("resolver:delegations")
