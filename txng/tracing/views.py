import re
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from txng.accounts.permissions import is_member, role_required
from txng.catalog.identifiers import validate_sscc
from txng.catalog.models import Category, Product
from txng.common.access import get_visible_or_404
from txng.common.csp import allow_wasm
from txng.common.forms import add_errors, save_form
from txng.tracing import actions, queries
from txng.tracing import events as events_module
from txng.tracing.codes import normalise_sscc
from txng.tracing.exports import XLSX_TYPE
from txng.tracing.forms import (
    AnswerForm,
    CorrectionForm,
    DiaryForm,
    ImportForm,
    LotForm,
    ProcessForm,
    QuantityReasonForm,
    ReasonForm,
    RecallLotsForm,
    RecallResultForm,
    ReceiptForm,
    RetentionForm,
    ShipForm,
    TracingRequestForm,
    TransformForm,
)
from txng.tracing.importer import COLUMNS, template
from txng.tracing.models import (
    Event,
    EventLot,
    ImportJob,
    Lot,
    ProcessTemplate,
    RecallState,
    RetentionPolicy,
    Shipment,
    ShipmentState,
    Stage,
    StageKind,
    TracingRequest,
)
from txng.tracing.tasks import start_import


def _business_only(user):
    if not user.is_business:
        raise PermissionDenied


@login_required
def lots(request):
    qs = Lot.objects.visible_to(request.user).select_related("product", "business")
    status = request.GET.get("status")
    if status:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(code__icontains=q) | qs.filter(product__name__icontains=q)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "tracing/lots.html", {"page": page, "q": q})


@role_required("business")
def lot_new(request):
    form = LotForm(request.POST or None, user=request.user)
    if saved := save_form(
        request, form, lambda: actions.create_lot(actor=request.user, **form.cleaned_data)
    ):
        lot = saved.result
        messages.success(request, _("Đã tạo lô %(code)s.") % {"code": lot.code})
        return redirect("tracing:lot", pk=lot.pk)
    return render(request, "tracing/lot_new.html", {"form": form})


def _visible_lot(request, pk):
    return get_visible_or_404(
        Lot.objects.select_related("product", "business", "facility"),
        request.user,
        pk=pk,
    )


def _signed(text):
    return f"{Decimal(text).normalize():+f}"


def _stock_note(event):
    """What the lot's own history says about a quantity that differs from the paperwork: a
    stock adjustment with its reason, or a receipt short of what was shipped with its note.
    (Only on this page: the public trace does not show a business's stock counts.)"""
    document = event.document
    if "txng:delta" in document:
        return _("Điều chỉnh tồn %(delta)s. Lý do: %(reason)s") % {
            "delta": _signed(document["txng:delta"]),
            "reason": document.get("txng:reason", ""),
        }
    difference = document.get("txng:difference")
    if difference and Decimal(difference) != 0:
        return _("Nhận chênh lệch %(diff)s so với số đã xuất. Ghi chú: %(note)s") % {
            "diff": _signed(difference),
            "note": document.get("txng:note", ""),
        }
    return ""


# The lot page lists the latest events and shipments: a lot written to all day (a farm's diary,
# a wholesaler's many small deliveries) would otherwise grow its page, and its cost, without
# end. "?lich-su=tat-ca" lists them all; the EPCIS download holds every event too.
HISTORY_SHOWN = 50
# What the history shows of each event (templatetags/lot_history.py): the rest of the joined
# rows (an organisation's dozens of columns, a declared event's JSON document) cost the page
# more to fetch and build than to show.
HISTORY_FIELDS = [
    *("event_id", "event_time", "title", "public_detail", "document", "declares_error_on"),
    *("business", "business__name", "facility", "facility__name"),
    *(f"diary_entry__{name}" for name in ("event", "person", "quantity", "notes", "photo")),
    "diary_entry__input_supplier_lot",
]


@login_required
def lot_detail(request, pk):
    lot = _visible_lot(request, pk)
    own = is_member(request.user, lot.business)
    show_all = request.GET.get("lich-su") == "tat-ca"
    # The lot's events by a semi-join (no DISTINCT over their JSON documents), each with its
    # diary entry in the same query.
    history = (
        Event.objects.filter(pk__in=EventLot.objects.filter(lot=lot).values("event_id"))
        .select_related("business", "facility", "diary_entry")
        .only(*HISTORY_FIELDS)
        .prefetch_related(
            Prefetch("error_declarations", Event.objects.only("id", "declares_error_on"))
        )
        .order_by("-event_time", "-id")
    )
    shipments = lot.shipments.select_related("receiver", "received_lot").order_by(
        "-shipped_at", "-pk"
    )
    if not show_all:
        history = history[: HISTORY_SHOWN + 1]
        shipments = shipments[: HISTORY_SHOWN + 1]
    history, shipments = list(history), list(shipments)
    more = not show_all and (len(history) > HISTORY_SHOWN or len(shipments) > HISTORY_SHOWN)
    if not show_all:
        history, shipments = history[:HISTORY_SHOWN], shipments[:HISTORY_SHOWN]
    for event in history:
        event.stock_note = _stock_note(event)
    stages = Stage.objects.filter(template=lot.process_id) if lot.process_id else []
    return render(
        request,
        "tracing/lot_detail.html",
        {
            "lot": lot,
            "own": own,
            "history": history,
            "more": more,
            "shown": HISTORY_SHOWN,
            "stages": stages,
            "diary_form": DiaryForm(prefix="diary", lot=lot),
            "ship_form": ShipForm(business=lot.business, prefix="ship") if own else None,
            "qty_form": QuantityReasonForm(prefix="mv"),
            "shipments": shipments,
            # The receiver's side of a delivery: shipped and received quantities, so a
            # difference shows to both businesses and to their authorities, never publicly.
            "receipts": lot.receipts.select_related("lot__business"),
            "can_recall": actions.can_recall(request.user, lot) and lot.status != "recalled",
            "recall": lot.active_recall,
        },
    )


@login_required
@require_POST
def diary_add(request, pk):
    lot = _visible_lot(request, pk)
    form = DiaryForm(request.POST, request.FILES, prefix="diary", lot=lot)
    if save_form(
        request,
        form,
        lambda: actions.add_diary_entry(
            lot, actor=request.user, **{"stage": None, **form.cleaned_data}
        ),
        _("Đã ghi nhật ký."),
    ):
        return redirect("tracing:lot", pk=lot.pk)
    return render(
        request, "tracing/form_page.html", {"form": form, "lot": lot, "title": _("Ghi nhật ký")}
    )


@login_required
@require_POST
def ship(request, pk):
    lot = _visible_lot(request, pk)
    form = ShipForm(request.POST, business=lot.business, prefix="ship")
    if save_form(
        request,
        form,
        lambda: actions.ship(lot, actor=request.user, **form.cleaned_data),
        _("Đã ghi nhận xuất hàng."),
    ):
        return redirect("tracing:lot", pk=lot.pk)
    return render(
        request, "tracing/form_page.html", {"form": form, "lot": lot, "title": _("Xuất hàng")}
    )


MOVEMENTS = {
    "destroy": lambda lot, u, d: actions.destroy(
        lot, actor=u, quantity=d["quantity"], reason=d["reason"]
    ),
    "adjust": lambda lot, u, d: actions.adjust_stock(
        lot, actor=u, delta=d["quantity"], reason=d["reason"]
    ),
}


@login_required
@require_POST
def movement(request, pk, kind):
    lot = _visible_lot(request, pk)
    if kind == "finish":
        try:
            actions.finish_lot(lot, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("tracing:lot", pk=lot.pk)
    if kind not in MOVEMENTS:
        raise Http404
    form = QuantityReasonForm(request.POST, prefix="mv")
    if save_form(
        request,
        form,
        lambda: MOVEMENTS[kind](lot, request.user, form.cleaned_data),
        _("Đã ghi nhận."),
    ):
        return redirect("tracing:lot", pk=lot.pk)
    return render(
        request, "tracing/form_page.html", {"form": form, "lot": lot, "title": _("Ghi nhận")}
    )


@login_required
@require_POST
def declare_error(request, pk):
    event = get_object_or_404(Event, pk=pk, business=request.user.organisation_id)
    form = ReasonForm(request.POST)
    lot = event.lots.first()
    if form.is_valid():
        try:
            actions.declare_error(event, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã khai báo sai sót; bản ghi cũ vẫn giữ trong lịch sử."))
    return redirect("tracing:lot", pk=lot.pk)


@role_required("business")
@allow_wasm
def incoming(request):
    pending = Shipment.objects.filter(
        receiver=request.user.organisation_id, state=ShipmentState.IN_TRANSIT
    ).select_related("lot__product", "lot__business")
    received = Shipment.objects.filter(
        receiver=request.user.organisation_id, state=ShipmentState.RECEIVED
    ).select_related("lot__product", "lot__business", "received_lot")[:50]
    # Scanning (or typing) a pallet's label finds what came on it; one lot goes straight to
    # its confirmation.
    sscc = normalise_sscc(request.GET.get("sscc", ""))
    if sscc:
        try:
            validate_sscc(sscc)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            pending = pending.filter(sscc=sscc)
            if len(pending) == 1:
                return redirect("tracing:confirm", pk=pending[0].pk)
            if not pending:
                messages.warning(request, _("Không có lô nào chờ nhận trên thùng/pallet này."))
    context = {"pending": pending, "received": received, "sscc": sscc}
    return render(request, "tracing/incoming.html", context)


@login_required
def confirm(request, pk):
    shipment = get_object_or_404(
        Shipment.objects.select_related("lot__product", "lot__business"),
        pk=pk,
        receiver=request.user.organisation_id,
    )
    form = ReceiptForm(request.POST or None, initial={"received_quantity": shipment.quantity})
    if saved := save_form(
        request,
        form,
        lambda: actions.confirm_receipt(
            shipment,
            actor=request.user,
            received_quantity=form.cleaned_data["received_quantity"],
            note=form.cleaned_data["receipt_note"],
            # A receipt confirmed offline on the phone happened when it was made there.
            time=getattr(request, "offline_made_at", None),
        ),
    ):
        lot = saved.result
        messages.success(request, _("Đã xác nhận nhận hàng, tạo lô %(c)s.") % {"c": lot.code})
        return redirect("tracing:lot", pk=lot.pk)
    return render(request, "tracing/confirm.html", {"form": form, "shipment": shipment})


@login_required
def return_goods(request, pk):
    shipment = get_object_or_404(Shipment, pk=pk)
    holder = shipment.received_lot.business_id if shipment.received_lot_id else None
    if request.user.organisation_id not in (holder, shipment.lot.business_id):
        raise Http404
    form = QuantityReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.return_goods(
                shipment,
                actor=request.user,
                quantity=form.cleaned_data["quantity"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("Đã ghi nhận trả hàng."))
            return redirect(
                "tracing:incoming" if holder == request.user.organisation_id else "tracing:lot",
                *([] if holder == request.user.organisation_id else [shipment.lot_id]),
            )
    return render(request, "tracing/form_page.html", {"form": form, "title": _("Trả lại hàng")})


def _parse_lines(text, business, field):
    pairs = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        code, _sep, amount = line.partition("=")
        try:
            quantity = Decimal(amount.strip().replace(",", "."))
        except InvalidOperation:
            raise ValidationError(
                {field: _("Dòng %(n)s: thiếu số lượng sau dấu =.") % {"n": n}}
            ) from None
        lot = Lot.objects.filter(business=business, code=code.strip()).first()
        if lot is None:
            raise ValidationError(
                {field: _("Dòng %(n)s: không có lô %(c)s.") % {"n": n, "c": code.strip()}}
            )
        pairs.append((lot, quantity))
    return pairs


@role_required("business")
def transform(request):
    form = TransformForm(request.POST or None)

    def run():
        # Parsed in here, so a bad line comes back as an error on its field.
        business = request.user.organisation
        inputs = _parse_lines(form.cleaned_data["inputs"], business, "inputs")
        outputs = _parse_lines(form.cleaned_data["outputs"], business, "outputs")
        actions.transform(
            actor=request.user, inputs=inputs, outputs=outputs, note=form.cleaned_data["note"]
        )
        return outputs[0][0]

    if saved := save_form(request, form, run, _("Đã ghi nhận chế biến.")):
        return redirect("tracing:lot", pk=saved.result.pk)
    return render(
        request, "tracing/form_page.html", {"form": form, "title": _("Chế biến, phối trộn")}
    )


@login_required
def trace_page(request, pk):
    lot = _visible_or_partner_lot(request, pk)
    depth = queries.clamp_depth(request.GET.get("depth"))
    data = queries.trace_json(request.user, lot, depth=depth)
    if request.GET.get("format") == "json":
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    steps = queries.public_timeline(lot)
    return render(
        request,
        "tracing/trace.html",
        {"lot": lot, "data": data, "steps": steps, "depth": depth},
    )


def _visible_or_partner_lot(request, pk):
    lot = get_object_or_404(Lot.objects.select_related("product", "business"), pk=pk)
    if pk not in queries.visible_lot_ids(request.user, [lot.pk]):
        raise Http404
    return lot


@login_required
@require_POST
def recall_new(request, pk):
    lot = _visible_lot(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            recall = actions.recall_lots(
                [lot], actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect("tracing:recall", pk=recall.pk)
    else:
        messages.error(request, _("Lý do: cần nêu lý do thu hồi."))
    return redirect("tracing:lot", pk=lot.pk)


@login_required
def recall_many(request):
    """Recall several lots of one product at once: pick the product, then tick its lots."""
    if request.user.organisation_id is None:
        raise PermissionDenied
    # The lots this user may recall (can_recall): its own, or those of businesses it manages.
    recallable = Lot.objects.visible_to(request.user).exclude(status__in=actions.CLOSED)
    products = (
        Product.objects.filter(pk__in=recallable.values("product"))
        .select_related("business")
        .order_by("name", "business__name")
    )
    product = form = None
    if request.GET.get("product", "").isdigit():
        product = get_object_or_404(products, pk=request.GET["product"])
        lots = recallable.filter(product=product).select_related("business")
        form = RecallLotsForm(request.POST or None, lots=lots.order_by("-production_date", "code"))
        if saved := save_form(
            request,
            form,
            lambda: actions.recall_lots(
                form.cleaned_data["lots"], actor=request.user, reason=form.cleaned_data["reason"]
            ),
            _("Đã thu hồi; các nơi đang giữ hàng trên hệ thống đã được báo."),
        ):
            return redirect("tracing:recall", pk=saved.result.pk)
    return render(
        request,
        "tracing/recall_many.html",
        {"products": products, "product": product, "form": form},
    )


@login_required
def recalls(request):
    state = request.GET.get("state", "")
    q = request.GET.get("q", "").strip()
    found = queries.filter_recalls(queries.visible_recalls(request.user), state=state, q=q)
    return render(
        request,
        "tracing/recalls.html",
        {
            "page": Paginator(found, 25).get_page(request.GET.get("page")),
            "states": RecallState.choices,
            "state": state,
            "q": q,
        },
    )


@login_required
def recall_export(request, pk):
    """The recall's holders and off-platform receivers as a spreadsheet, for the officials
    who phone them; each download is audited."""
    recall = get_object_or_404(queries.visible_recalls(request.user), pk=pk)
    response = HttpResponse(
        actions.export_recall(recall, actor=request.user), content_type=XLSX_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="thu-hoi-{recall.pk}.xlsx"'
    return response


@login_required
def recall_detail(request, pk):
    recall = get_object_or_404(queries.visible_recalls(request.user), pk=pk)
    can_close = not recall.closed_at and actions.can_close_recall(request.user, recall)
    if request.method == "POST" and not can_close:
        raise PermissionDenied
    # Two forms on the page; the button pressed says which one was sent.
    complete = RecallResultForm(
        request.POST if "complete" in request.POST else None, prefix="complete"
    )
    lift = ReasonForm(request.POST if "lift" in request.POST else None, prefix="lift")
    done = save_form(
        request,
        complete,
        lambda: actions.complete_recall(
            recall, actor=request.user, result=complete.cleaned_data["result"]
        ),
        _("Đã ghi kết quả thu hồi."),
    ) or save_form(
        request,
        lift,
        lambda: actions.lift_recall(recall, actor=request.user, reason=lift.cleaned_data["reason"]),
        _("Đã chấm dứt thu hồi; cảnh báo được gỡ khỏi trang công khai."),
    )
    if done:
        return redirect("tracing:recall", pk=recall.pk)
    return render(
        request,
        "tracing/recall.html",
        {
            "recall": recall,
            "lots": queries.recall_holders(recall, request.user),
            "visible_lots": set(
                Lot.objects.visible_to(request.user)
                .filter(recall_rows__recall=recall)
                .values_list("pk", flat=True)
            ),
            "off_platform": queries.recall_off_platform(recall, request.user),
            "can_close": can_close,
            "complete_form": complete,
            "lift_form": lift,
        },
    )


@role_required("dost")
def retention(request):
    """DOST sets how long lot records are kept, by default and per product category."""
    category = request.GET.get("category", "")
    editing = get_object_or_404(Category, pk=category) if category.isdigit() else None
    current = RetentionPolicy.for_category(editing.pk if editing else None)
    form = RetentionForm(
        request.POST or None,
        initial={
            "category": editing,
            "months_after_expiry": current.months_after_expiry,
            "minimum_months": current.minimum_months,
        },
    )
    if save_form(
        request,
        form,
        lambda: actions.set_retention_policy(
            form.cleaned_data["category"],
            months_after_expiry=form.cleaned_data["months_after_expiry"],
            minimum_months=form.cleaned_data["minimum_months"],
            actor=request.user,
        ),
        _("Đã lưu thời hạn lưu trữ."),
    ):
        return redirect("tracing:retention")
    own = {p.category_id: p for p in RetentionPolicy.objects.filter(category__isnull=False)}
    return render(
        request,
        "tracing/retention.html",
        {
            "form": form,
            "default": RetentionPolicy.for_category(None),
            # In the order of DOST's categories page.
            "categories": [(c, own.get(c.pk)) for c in Category.objects.select_related("parent")],
        },
    )


@role_required("dost")
@require_POST
def retention_clear(request, category):
    category = get_object_or_404(Category, pk=category)
    try:
        actions.clear_retention_policy(category, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Danh mục %(c)s trở về thời hạn mặc định.") % {"c": category})
    return redirect("tracing:retention")


@login_required
def requests(request):
    qs = TracingRequest.objects.visible_to(request.user).select_related(
        "business", "authority", "lot"
    )
    return render(request, "tracing/requests.html", {"requests": qs})


@role_required("authority")
def request_new(request):
    form = TracingRequestForm(request.POST or None, user=request.user)

    def open_request():
        data = form.cleaned_data
        lot = Lot.objects.filter(business=data["business"], code=data["subject"].strip()).first()
        return actions.open_tracing_request(actor=request.user, lot=lot, **data)

    if saved := save_form(request, form, open_request):
        return redirect("tracing:request", pk=saved.result.pk)
    return render(
        request, "tracing/form_page.html", {"form": form, "title": _("Yêu cầu truy xuất")}
    )


@login_required
def request_detail(request, pk):
    user = request.user
    req = get_visible_or_404(TracingRequest.objects.select_related("business", "lot"), user, pk=pk)
    form = AnswerForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda: actions.answer_tracing_request(
            req, actor=user, comment=form.cleaned_data["comment"]
        ),
        _("Đã gửi kết quả truy xuất."),
    ):
        return redirect("tracing:request", pk=req.pk)
    preview = None
    if req.state == "open" and req.business_id == user.organisation_id:
        lots = (
            [req.lot]
            if req.lot
            else list(Lot.objects.filter(business=req.business, code=req.subject.strip()))
        )
        preview = queries.trace_report(lots)
    return render(request, "tracing/request.html", {"req": req, "form": form, "preview": preview})


@role_required("business")
def stock(request):
    return render(
        request, "tracing/stock.html", {"rows": queries.stock_by_product(request.user.organisation)}
    )


@login_required
def processes(request):
    templates = ProcessTemplate.objects.visible_to(request.user).prefetch_related("stages")
    return render(request, "tracing/processes.html", {"templates": templates})


@login_required
def process_new(request):
    form = ProcessForm(request.POST or None)
    if not request.user.is_authority:
        del form.fields["published"]
    if request.method == "POST" and form.is_valid():
        lines = [x.strip() for x in form.cleaned_data["stages"].splitlines() if x.strip()]
        actions.create_process(
            actor=request.user,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            stages=[(name, _guess_kind(name)) for name in lines],
            published=form.cleaned_data.get("published", False),
        )
        messages.success(request, _("Đã lưu quy trình."))
        return redirect("tracing:processes")
    return render(request, "tracing/form_page.html", {"form": form, "title": _("Quy trình mới")})


def _guess_kind(name):
    lowered = name.lower()
    for kind, label in StageKind.choices:
        if re.search(re.escape(str(label).lower().split(",")[0]), lowered):
            return kind
    return StageKind.OTHER


@role_required("business")
def import_page(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if saved := save_form(
        request,
        form,
        lambda: start_import(
            actor=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
        ),
    ):
        return redirect("tracing:import_job", pk=saved.result.pk)
    jobs = ImportJob.objects.visible_to(request.user)[:10]
    return render(
        request, "tracing/import.html", {"form": form, "jobs": jobs, "kinds": COLUMNS.keys()}
    )


@login_required
def import_template(request, kind):
    if kind not in COLUMNS:
        raise Http404
    response = HttpResponse(template(kind), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="mau-{kind}.xlsx"'
    return response


@login_required
def import_job(request, pk):
    job = get_visible_or_404(ImportJob.objects, request.user, pk=pk)
    return render(request, "tracing/import_job.html", {"job": job})


DIARY_FIELDS = [
    "stage_kind",
    "stage_name",
    "time",
    "person",
    "quantity",
    "input_name",
    "input_dose",
    "input_supplier_lot",
    "notes",
    "facility",
]


@login_required
def diary_correct(request, pk):
    """Correct a diary entry: the wrong one is declared in error, the right one recorded."""
    from txng.tracing.models import DiaryEntry

    entry = get_object_or_404(
        DiaryEntry.objects.select_related("lot", "event"),
        pk=pk,
        lot__business=request.user.organisation_id,
    )
    initial = {name: getattr(entry, name) for name in DIARY_FIELDS}
    initial["time"] = timezone.localtime(entry.time).strftime("%Y-%m-%dT%H:%M")
    form = CorrectionForm(request.POST or None, initial=initial, lot=entry.lot)
    if save_form(
        request,
        form,
        lambda: actions.correct_diary_entry(
            entry,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            **{k: v for k, v in form.cleaned_data.items() if k in DIARY_FIELDS},
        ),
        _("Đã sửa: bản ghi cũ được đánh dấu sai, bản đúng đã lưu."),
    ):
        return redirect("tracing:lot", pk=entry.lot_id)
    return render(
        request,
        "tracing/form_page.html",
        {"form": form, "lot": entry.lot, "title": _("Sửa nhật ký")},
    )


@login_required
def lot_epcis(request, pk):
    """The lot's events as an EPCIS 2.0 document, for auditors and partners' systems."""
    lot = _visible_lot(request, pk)
    events = Event.objects.filter(lot_rows__lot=lot).distinct().order_by("event_time", "id")
    document = {
        "@context": events_module.CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": events_module.iso_time(timezone.now()),
        "epcisBody": {
            "eventList": [{k: v for k, v in e.document.items() if k != "@context"} for e in events]
        },
    }
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/ld+json"
    return response
