"""Workspace pages for print orders, activation, voiding and scan statistics."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from txng.accounts.models import Organisation
from txng.accounts.permissions import role_required
from txng.audit.models import AuditEntry
from txng.common.access import get_visible_or_404
from txng.common.csp import allow_wasm
from txng.common.forms import save_form
from txng.common.limits import posted_text
from txng.common.numbers import count
from txng.common.uploads import file_response
from txng.stamps import actions
from txng.stamps.forms import (
    ActivateForm,
    OrderForm,
    QuotaForm,
    ReasonForm,
    VoidForm,
    parse_stamp_ref,
)
from txng.stamps.models import (
    ApprovalDelegation,
    FakeReport,
    OrderState,
    PrintOrder,
    Scan,
    Signal,
    Stamp,
    StampState,
)


@role_required("authority", "business")
def orders(request):
    visible = PrintOrder.objects.visible_to(request.user)
    state = request.GET.get("state", "")
    qs = visible.filter(state=state) if state in OrderState.values else visible
    page = Paginator(qs.select_related("business", "product", "lot"), 25).get_page(
        request.GET.get("page")
    )
    counts = dict(visible.values_list("state").annotate(n=Count("id")).order_by())
    quota = None
    if request.user.is_business:
        business = request.user.organisation
        quota = {"limit": actions.yearly_limit(business), "used": actions.used_this_year(business)}
    return render(
        request,
        "stamps/orders.html",
        {
            "page": page,
            "state": state,
            "quota": quota,
            "counts": [(s, label, counts.get(s, 0)) for s, label in OrderState.choices],
        },
    )


@role_required("business")
def new_order(request):
    business = request.user.organisation
    form = OrderForm(request.POST or None, request.FILES or None, business=business)

    def submit():
        order = form.save(commit=False)
        order.business = business
        actions.submit_order(order, actor=request.user)
        return order

    if saved := save_form(request, form, submit, _("Đã gửi đơn in tem, chờ Sở KH&CN duyệt.")):
        return redirect("stamps:order", pk=saved.result.pk)
    return render(request, "stamps/order_form.html", {"form": form})


@login_required
def order(request, pk):
    obj = get_visible_or_404(
        PrintOrder.objects.select_related("business", "product", "lot"),
        request.user,
        pk=pk,
    )
    counts = dict(obj.stamps.values_list("state").annotate(n=Count("id")).order_by())
    history = AuditEntry.objects.filter(object_type="stamps.printorder", object_id=str(pk))
    return render(
        request,
        "stamps/order.html",
        {
            "order": obj,
            "can_approve": actions.can_approve(request.user, obj) and obj.state == "submitted",
            "can_use": actions.can_use(request.user, obj),
            "stamp_counts": [(s, label, counts.get(s, 0)) for s, label in StampState.choices],
            "reason_form": ReasonForm(),
            "audit": history[:50],
        },
    )


@login_required
@require_POST
def decide(request, pk, action):
    obj = get_visible_or_404(PrintOrder.objects, request.user, pk=pk)
    try:
        reason = posted_text(request, "reason", _("Lý do"))
        if action == "approve":
            actions.approve_order(obj, actor=request.user, note=reason)
            messages.success(request, _("Đã duyệt đơn; hệ thống đang tạo mã và tệp in."))
        elif action == "reject":
            actions.reject_order(obj, actor=request.user, reason=reason)
            messages.success(request, _("Đã từ chối đơn in tem."))
        elif action == "cancel":
            actions.cancel_order(obj, actor=request.user)
            messages.success(request, _("Đã hủy đơn in tem."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("stamps:order", pk=pk)


@login_required
def download(request, pk, kind):
    obj = get_visible_or_404(PrintOrder.objects, request.user, pk=pk)
    try:
        field = actions.record_download(obj, kind, actor=request.user)
    except ValidationError as exc:
        raise Http404(" ".join(exc.messages)) from exc
    return FileResponse(field.open("rb"), as_attachment=True, filename=f"tem-{obj.pk}.{kind}")


def _resolve_range(form, user):
    """Turn the form's first/last (serials or scanned codes) into (order, first, last)."""
    first_serial, first_code = parse_stamp_ref(form.cleaned_data["first"])
    last_serial, last_code = parse_stamp_ref(form.cleaned_data["last"])
    order = form.cleaned_data.get("order")
    stamps = Stamp.objects.visible_to(user)
    if first_code or last_code:
        found = {
            s.code: s for s in stamps.filter(code__in=[c for c in (first_code, last_code) if c])
        }
        for field, code in (("first", first_code), ("last", last_code)):
            if code and code not in found:
                raise ValidationError({field: _("Không tìm thấy tem này trong các đơn của cơ sở.")})
        refs = [found[first_code] if first_code else None, found[last_code] if last_code else None]
        orders = {s.order for s in refs if s}
        if order is not None:
            orders.add(order)
        if len(orders) != 1:
            raise ValidationError({"last": _("Tem đầu và tem cuối phải cùng một đơn in tem.")})
        order = orders.pop()
        first_serial = refs[0].serial if refs[0] else first_serial
        last_serial = refs[1].serial if refs[1] else last_serial
    if order is None:
        raise ValidationError({"order": _("Đơn in tem: cần chọn khi nhập số sê-ri.")})
    return order, min(first_serial, last_serial), max(first_serial, last_serial)


def _range_page(request, form_class, template, run, extra=None):
    orders = PrintOrder.objects.restrict(request.user, "change").filter(state=OrderState.READY)
    kwargs = {"orders": orders, **(extra or {})}
    # The order page links here with ?order=<id>: that order comes preselected.
    wanted = request.GET.get("order", "")
    if wanted.isdigit() and orders.filter(pk=wanted).exists():
        kwargs["initial"] = {"order": int(wanted)}
    form = form_class(request.POST or None, **kwargs)

    def run_range():
        order, first, last = _resolve_range(form, request.user)
        return order, run(order, first, last, form.cleaned_data)

    if saved := save_form(request, form, run_range):
        order, message = saved.result
        messages.success(request, message)
        return redirect("stamps:order", pk=order.pk)
    return render(request, template, {"form": form})


@role_required("business")
@allow_wasm
def activate(request):
    from txng.tracing.models import Lot

    def run(order, first, last, data):
        n = actions.activate_range(order, first, last, data["lot"], actor=request.user)
        return _("Đã kích hoạt %(n)s tem (sê-ri %(a)s–%(b)s).") % {
            "n": count(n),
            "a": first,
            "b": last,
        }

    lots = Lot.objects.restrict(request.user, "change").select_related("product")
    return _range_page(request, ActivateForm, "stamps/activate.html", run, {"lots": lots})


@role_required("business")
@allow_wasm
def void(request):
    def run(order, first, last, data):
        n = actions.void_range(order, first, last, actor=request.user, reason=data["reason"])
        return _("Đã hủy %(n)s tem (sê-ri %(a)s–%(b)s).") % {"n": count(n), "a": first, "b": last}

    return _range_page(request, VoidForm, "stamps/void.html", run)


@role_required("authority", "business")
def scans(request):
    user = request.user
    since = timezone.now() - timedelta(days=30)
    visible = Scan.objects.visible_to(user)
    if user.is_dost and request.GET.get("business", "").isdigit():
        visible = visible.filter(business_id=request.GET["business"])
    recent = visible.filter(at__gte=since)
    per_day = list(
        recent.annotate(day=TruncDate("at")).values("day").annotate(n=Count("id")).order_by("day")
    )
    peak = max((d["n"] for d in per_day), default=0)
    return render(
        request,
        "stamps/scans.html",
        {
            "total": visible.count(),
            "per_day": per_day,
            "peak": peak,
            "per_product": recent.exclude(product=None)
            .values("product__name")
            .annotate(n=Count("id"))
            .order_by("-n")[:20],
            "per_province": recent.exclude(province="")
            .values("province")
            .annotate(n=Count("id"))
            .order_by("-n")[:20],
            "per_result": recent.values("result").annotate(n=Count("id")).order_by("-n"),
            "signals": Signal.objects.visible_to(user).select_related("business")[:50],
            "reports": FakeReport.objects.visible_to(user).select_related("business")[:50],
            "businesses": Organisation.objects.businesses() if user.is_dost else None,
        },
    )


@login_required
def report_photo(request, pk):
    report = get_visible_or_404(FakeReport.objects, request.user, pk=pk)
    if not report.photo:
        raise Http404
    return file_response(report.photo)


@role_required("dost")
def quota(request, business_pk):
    business = get_object_or_404(Organisation.objects.businesses(), pk=business_pk)
    form = QuotaForm(request.POST or None, initial={"yearly_limit": actions.yearly_limit(business)})
    if request.method == "POST" and form.is_valid():
        actions.set_quota(
            business, actor=request.user, yearly_limit=form.cleaned_data["yearly_limit"]
        )
        messages.success(request, _("Đã cập nhật hạn mức tem."))
        return redirect("stamps:orders")
    return render(request, "stamps/quota.html", {"form": form, "business": business})


@role_required("dost")
def delegations(request):
    """DOST chooses which agencies may approve stamp orders of the businesses they manage."""
    agencies = Organisation.objects.agencies().filter(parent=None).order_by("kind", "name")
    if request.method == "POST":
        agency = get_object_or_404(agencies, pk=request.POST.get("agency"))
        granted = request.POST.get("granted") == "1"
        actions.delegate_approval(agency, actor=request.user, granted=granted)
        messages.success(request, _("Đã cập nhật quyền duyệt đơn in tem."))
        return redirect("stamps:delegations")
    delegated = set(ApprovalDelegation.objects.values_list("agency_id", flat=True))
    rows = [(a, a.pk in delegated) for a in agencies]
    return render(request, "stamps/delegations.html", {"rows": rows})
