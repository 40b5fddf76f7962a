from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from txng.accounts.permissions import role_required
from txng.catalog.models import Product
from txng.common import api_keys
from txng.common.forms import add_errors, save_form
from txng.national import actions, passport, sector
from txng.national.forms import FixForm, HubForm, SectorForm
from txng.national.models import Hub, ImportState, OutboxRow, RecordType, SectorRecord, SyncState
from txng.national.status import hubs_with_counts, late
from txng.tracing.codes import normalise_trace_code
from txng.tracing.models import Lot


@role_required("dost")
def hubs(request):
    return render(
        request, "national/hubs.html", {"hubs": hubs_with_counts(), "now": timezone.now()}
    )


@role_required("dost")
def hub_edit(request, pk):
    hub = get_object_or_404(Hub, pk=pk)
    before = {f: getattr(hub, f) for f in actions.HUB_FIELDS}
    form = HubForm(request.POST or None, instance=hub)
    if save_form(
        request,
        form,
        lambda: actions.save_hub(form.save(commit=False), actor=request.user, before=before),
        _("Đã lưu cấu hình kết nối."),
    ):
        return redirect("national:hubs")
    return render(request, "national/hub_form.html", {"form": form, "hub": hub})


@role_required("dost")
@require_POST
def hub_toggle(request, pk):
    hub = get_object_or_404(Hub, pk=pk)
    hub = actions.set_enabled(hub, request.POST.get("enabled") == "1", actor=request.user)
    messages.success(request, _("Đã bật kết nối.") if hub.enabled else _("Đã tắt kết nối."))
    return redirect("national:hubs")


def _rows_for(user):
    rows = OutboxRow.objects.select_related("hub")
    if user.is_dost:
        return rows
    return rows.filter(business_id=user.organisation_id)


@role_required("dost", "business")
def rows(request):
    """Each record's state on each hub: DOST sees all, a business its own."""
    qs = _rows_for(request.user)
    state = request.GET.get("state", "")
    if state == "stuck":
        qs = qs.filter(state__in=[SyncState.DEAD, SyncState.REFUSED])
    elif state in SyncState.values:
        qs = qs.filter(state=state)
    if request.GET.get("late"):
        qs = qs.filter(pk__in=late().values("pk"))
    page = Paginator(qs.order_by("-created_at"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "national/rows.html",
        {
            "page": page,
            "states": SyncState.choices,
            "state": state,
            "late": request.GET.get("late"),
        },
    )


@role_required("dost", "business")
def record_state(request, record_type, record_id):
    if record_type not in RecordType.values:
        raise Http404
    qs = _rows_for(request.user).filter(record_type=record_type, record_id=record_id)
    if not qs.exists():
        raise Http404
    return render(request, "national/record.html", {"rows": qs.order_by("hub__name", "-seq")})


@role_required("dost")
def row_detail(request, pk):
    row = get_object_or_404(OutboxRow.objects.select_related("hub"), pk=pk)
    form = FixForm(request.POST or None)
    if request.method == "POST" and "uploaded" in request.POST:
        try:
            actions.mark_uploaded(row, actor=request.user)
            messages.success(request, _("Đã ghi nhận tệp được tiếp nhận."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("national:row", pk=row.pk)
    if save_form(
        request,
        form,
        lambda: actions.replay(row, actor=request.user, payload=form.cleaned_data["payload"]),
        _("Đã xếp bản ghi vào hàng chờ gửi lại."),
    ):
        return redirect("national:row", pk=row.pk)
    return render(
        request,
        "national/row.html",
        {"row": row, "form": form, "replayable": row.state in actions.REPLAYABLE},
    )


@role_required("authority")
def sector_upload(request):
    form = SectorForm(request.POST or None, request.FILES or None)
    counts = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > sector.MAX_BYTES:
                raise ValidationError({"file": _("Tệp quá lớn (tối đa 2 MB).")})
            rows_in = sector.parse(upload.read(), upload.content_type)
            counts = sector.import_records(form.cleaned_data["kind"], rows_in, actor=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
    return render(request, "national/sector.html", {"form": form, "counts": counts})


@csrf_exempt
def sector_api(request, kind):
    """POST a JSON array (or CSV) of organisations or products. Authenticated by an authority's
    API key with the "sector" scope (`Authorization: Bearer txng_…`), or by the signed-in
    session with its CSRF token. A browser never sends the header on its own, so only the
    session needs the CSRF check."""
    if request.method != "POST":
        return JsonResponse({"detail": "POST"}, status=405)
    if not api_keys.bearer(request):
        return csrf_protect(_sector_api)(request, kind, request.user)
    try:
        user = api_keys.key_user(request, "sector")
    except api_keys.Refused as refused:
        return JsonResponse({"detail": refused.message}, status=refused.status)
    return _sector_api(request, kind, user)


def _sector_api(request, kind, user):
    if not (user.is_authenticated and user.is_authority):
        return JsonResponse({"detail": _("Chỉ cơ quan quản lý được gửi dữ liệu.")}, status=403)
    try:
        rows_in = sector.parse(request.body, request.content_type)
        counts = sector.import_records(kind, rows_in, actor=user)
    except ValidationError as exc:
        return JsonResponse(
            {"errors": exc.message_dict if hasattr(exc, "error_dict") else exc.messages}, status=400
        )
    return JsonResponse(counts)


@role_required("dost")
def sector_review(request):
    if request.method == "POST":
        item = get_object_or_404(SectorRecord, pk=request.POST.get("item"))
        try:
            sector.decide(item, actor=request.user, take=request.POST.get("take") == "1")
            messages.success(request, _("Đã xử lý."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("national:sector_review")
    items = SectorRecord.objects.filter(state=ImportState.CONFLICT).select_related("source")
    return render(request, "national/sector_review.html", {"items": items[:200]})


def _published_product(pk):
    return get_object_or_404(
        Product.objects.published().select_related("business", "facility", "category"), pk=pk
    )


def passport_product(request, pk):
    p = passport.build(_published_product(pk), request.user)
    return render(request, "national/passport.html", {"p": p})


def _lot_by_code(request, code):
    lot = (
        Lot.objects.public_or_visible_to(request.user)
        .select_related("product", "facility")
        .by_trace_code(normalise_trace_code(code))
        .first()
    )
    if lot is None:
        raise Http404
    return lot


def passport_lot(request, code):
    lot = _lot_by_code(request, code)
    if lot.product_id is None:
        raise Http404
    product = _published_product(lot.product_id)
    return render(
        request, "national/passport.html", {"p": passport.build(product, request.user, lot)}
    )


def _ld(request, p):
    response = JsonResponse(passport.json_ld(request, p), json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/ld+json; charset=utf-8"
    return response


def passport_product_ld(request, pk):
    return _ld(request, passport.build(_published_product(pk), request.user))


def passport_lot_ld(request, code):
    lot = _lot_by_code(request, code)
    if lot.product_id is None:
        raise Http404
    return _ld(request, passport.build(_published_product(lot.product_id), request.user, lot))
