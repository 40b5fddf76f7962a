"""Thin views over actions.py and certificates.py."""

import io
from datetime import timedelta

import openpyxl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from txng.accounts.models import Organisation
from txng.common.access import get_visible_or_404, role_required
from txng.common.forms import add_errors, save_form
from txng.ocop import actions, certificates, pdf, scoring, sheets
from txng.ocop.forms import (
    ApplyForm,
    ConditionsForm,
    DecisionForm,
    ListFilter,
    RecogniseForm,
    RevokeForm,
    RoundForm,
    SheetRowFormSet,
    SheetUploadForm,
)
from txng.ocop.models import (
    Application,
    AppState,
    Certificate,
    Conditions,
    Result,
    ScoreSheet,
    Stage,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(data, filename):
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _results_for(user, data):
    today = timezone.localdate()
    apps = Application.objects.visible_to(user)
    qs = (
        Result.objects.valid(today)
        .filter(application__in=apps)
        .select_related("product", "application__business")
    )
    if data.get("stars"):
        qs = qs.filter(stars=data["stars"])
    if data.get("group"):
        qs = qs.filter(application__group=data["group"])
    if data.get("expiring"):
        qs = qs.filter(valid_until__lte=today + timedelta(days=90))
    return qs.order_by("-stars", "valid_until")


@role_required("authority")
def overview(request):
    """For the commune (its businesses) and DOST (all): applications to handle, products by
    stars and group, results expiring soon."""
    filters = ListFilter(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    results = _results_for(request.user, data)
    if request.GET.get("format") == "xlsx":
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(
            ["Sản phẩm", "Cơ sở", "Nhóm", "Số sao", "Điểm", "Số quyết định", "Ngày", "Hiệu lực đến"]
        )
        for r in results:
            ws.append(
                [
                    r.product.name,
                    r.application.business.name,
                    r.application.get_group_display(),
                    r.stars,
                    float(r.points),
                    r.decision_number,
                    r.recognised_on,
                    r.valid_until,
                ]
            )
        out = io.BytesIO()
        wb.save(out)
        return _xlsx_response(out.getvalue(), "ocop.xlsx")
    apps = Application.objects.visible_to(request.user).select_related("product", "business")
    return render(
        request,
        "ocop/overview.html",
        {
            "filters": filters,
            "results": results,
            "open_apps": apps.exclude(state__in=(AppState.RECOGNISED, AppState.NOT_RECOGNISED)),
        },
    )


@role_required("business")
def mine(request):
    business = request.user.organisation
    form = ApplyForm(request.POST or None, business=business)
    if saved := save_form(
        request,
        form,
        lambda: actions.apply(
            form.cleaned_data["product"],
            actor=request.user,
            group=form.cleaned_data["group"],
            evidence=form.cleaned_data["evidence"],
            note=form.cleaned_data["note"],
        ),
        _("Đã nộp hồ sơ OCOP; xã sẽ sơ loại."),
    ):
        return redirect("ocop:application", pk=saved.result.pk)
    apps = Application.objects.filter(business=business).select_related("product")
    return render(
        request,
        "ocop/mine.html",
        {
            "form": form,
            "apps": apps,
            "results": Result.objects.filter(application__business=business),
        },
    )


@login_required
def application(request, pk):
    app = get_visible_or_404(
        Application.objects.select_related("product", "business", "sheet", "round"),
        request.user,
        pk=pk,
    )
    user = request.user
    scorings = app.scorings.select_related("scorer")
    if user.is_business:
        scorings = scorings.none()  # the business sees the decision, not each member's sheet
    return render(
        request,
        "ocop/application.html",
        {
            "app": app,
            "scorings": scorings,
            "average": actions.council_average(app),
            "may_commune": actions.may_score_as_commune(user, app),
            "may_council": actions.may_score_in_council(user, app),
            "is_dost": user.is_dost,
            "decision_form": DecisionForm(),
            "recognise_form": RecogniseForm(),
            "result": getattr(app, "result", None),
        },
    )


@login_required
def score(request, pk):
    app = get_visible_or_404(
        Application.objects.select_related("business", "product"), request.user, pk=pk
    )
    if actions.may_score_as_commune(request.user, app) and app.state == AppState.SUBMITTED:
        stage, act = Stage.COMMUNE, actions.commune_score
    elif actions.may_score_in_council(request.user, app):
        stage, act = Stage.COUNCIL, actions.council_score
    else:
        raise PermissionDenied
    sheet = app.sheet or ScoreSheet.objects.current(app.group)
    mine = app.scorings.filter(stage=stage, scorer=request.user).first()
    errors = []
    if request.method == "POST":
        answers = {
            key.removeprefix("c"): value
            for key, value in request.POST.items()
            if key.startswith("c") and key[1:].isdigit()
        }
        try:
            mine = act(app, actor=request.user, answers=answers)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request,
                _("Đã lưu phiếu: %(t)s điểm, %(s)d sao.") % {"t": mine.total, "s": mine.stars},
            )
            return redirect("ocop:score", pk=app.pk)
    chosen = {int(k): v for k, v in (mine.answers if mine else {}).items()}
    if request.method == "POST":
        chosen = {
            int(k[1:]): int(v)
            for k, v in request.POST.items()
            if k.startswith("c") and k[1:].isdigit() and v.isdigit()
        }
    parts = []
    if sheet:
        for code, maximum in scoring.PART_MAXIMA.items():
            rows = [
                (i, c, chosen.get(i)) for i, c in enumerate(sheet.criteria) if c["part"] == code
            ]
            parts.append({"code": code, "max": maximum, "rows": rows})
    return render(
        request,
        "ocop/score.html",
        {
            "app": app,
            "sheet": sheet,
            "parts": parts,
            "mine": mine,
            "stage": stage,
            "errors": errors,
        },
    )


@login_required
@require_POST
def decide(request, pk, action):
    app = get_visible_or_404(Application.objects, request.user, pk=pk)
    form = RecogniseForm(request.POST) if action == "recognise" else DecisionForm(request.POST)
    run = {
        "propose": lambda: actions.propose(
            app, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        "return": lambda: actions.return_application(
            app, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        "reject": lambda: actions.not_recognise(
            app, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        "recognise": lambda: actions.recognise(app, actor=request.user, **form.cleaned_data),
    }.get(action)
    if run is None:
        raise PermissionDenied
    if save_form(request, form, run, _("Đã ghi nhận.")):
        return redirect("ocop:application", pk=app.pk)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("ocop:application", pk=app.pk)


@role_required("dost")
def sheet_list(request):
    form = SheetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            criteria = sheets.read_xlsx(form.cleaned_data["file"].read())
            sheet = actions.save_sheet(
                actor=request.user,
                criteria=criteria,
                **{
                    k: form.cleaned_data[k]
                    for k in ("group", "subgroup", "title", "source", "is_example")
                },
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Đã nhập phiếu (bản nháp); kiểm tra rồi ban hành."))
            return redirect("ocop:sheet", pk=sheet.pk)
    return render(request, "ocop/sheets.html", {"form": form, "sheets": ScoreSheet.objects.all()})


@role_required("dost")
def sheet_template(request):
    return _xlsx_response(sheets.template(), "phieu-cham-ocop-mau.xlsx")


@role_required("dost")
def sheet_detail(request, pk):
    sheet = get_visible_or_404(ScoreSheet.objects, request.user, "manage", pk=pk)
    if request.GET.get("format") == "xlsx":
        return _xlsx_response(
            sheets.to_xlsx(sheet.criteria), f"phieu-{sheet.group}-v{sheet.version}.xlsx"
        )
    if request.method == "POST":
        try:
            actions.publish_sheet(sheet, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã ban hành phiếu."))
        return redirect("ocop:sheet", pk=sheet.pk)
    return render(request, "ocop/sheet.html", {"sheet": sheet, "maxima": sheet.maxima()})


@role_required("dost")
def sheet_edit(request, pk):
    """Edit a sheet's rows on the page; saving makes a new draft version (checked as the XLSX
    import checks it), never a change to the version opened."""
    sheet = get_visible_or_404(ScoreSheet.objects, request.user, "manage", pk=pk)
    formset = SheetRowFormSet(
        request.POST if request.method == "POST" else None,
        initial=sheets.to_rows(sheet.criteria),
        prefix="rows",
    )
    if request.method == "POST" and formset.is_valid():
        try:
            criteria = sheets.criteria_from_rows(formset.rows(), field="criteria")
            draft = actions.draft_from(sheet, actor=request.user, criteria=criteria)
        except ValidationError as exc:
            formset._non_form_errors = formset.error_class(exc.messages)
        else:
            messages.success(request, _("Đã lưu phiên bản nháp mới; kiểm tra rồi ban hành."))
            return redirect("ocop:sheet", pk=draft.pk)
    row_errors = [
        (n, form.fields[name].label if name in form.fields else "", error)
        for n, form in enumerate(formset.forms, start=1)
        for name, errors in form.errors.items()
        for error in errors
    ]
    return render(
        request,
        "ocop/sheet_edit.html",
        {"sheet": sheet, "formset": formset, "row_errors": row_errors},
    )


@role_required("dost")
def rounds(request):
    form = RoundForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda: actions.create_round(actor=request.user, **form.cleaned_data),
        _("Đã lập đợt chấm."),
    ):
        return redirect("ocop:overview")
    return render(request, "ocop/rounds.html", {"form": form})


# Certificates ------------------------------------------------------------------------------


@role_required("dost")
def certificate_admin(request):
    conditions = Conditions.current()
    form = ConditionsForm(request.POST or None, instance=conditions)
    if save_form(
        request,
        form,
        lambda: certificates.save_conditions(form.instance, actor=request.user),
        _("Đã lưu điều kiện."),
    ):
        return redirect("ocop:certificates")
    businesses = Organisation.objects.businesses().order_by("name")
    rows = [(b, certificates.checklist(b, conditions)) for b in businesses]
    rows = [(b, checks, all(ok for _l, ok in checks)) for b, checks in rows]
    issued = Certificate.objects.select_related("business").prefetch_related("products")
    return render(
        request,
        "ocop/certificates.html",
        {"form": form, "rows": rows, "issued": [(c, *c.status()) for c in issued]},
    )


@role_required("dost")
@require_POST
def certificate_issue(request, business_pk):
    business = get_object_or_404(Organisation.objects.businesses(), pk=business_pk)
    try:
        cert = certificates.issue(
            business, actor=request.user, signer=request.POST.get("signer", "")[:255]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("ocop:certificates")
    messages.success(request, _("Đã cấp giấy xác nhận số %(n)s.") % {"n": cert.number})
    return redirect("ocop:certificates")


@role_required("dost")
@require_POST
def certificate_revoke(request, pk):
    cert = get_visible_or_404(Certificate.objects, request.user, pk=pk)
    form = RevokeForm(request.POST)
    if not save_form(
        request,
        form,
        lambda: certificates.revoke(cert, actor=request.user, reason=form.cleaned_data["reason"]),
        _("Đã thu hồi giấy xác nhận."),
    ):
        messages.error(request, _("Cần nêu lý do thu hồi."))
    return redirect("ocop:certificates")


@login_required
def certificate_pdf(request, pk):
    cert = get_visible_or_404(Certificate.objects.select_related("business"), request.user, pk=pk)
    response = HttpResponse(pdf.render(cert), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="giay-xac-nhan-{cert.pk}.pdf"'
    return response


@role_required("business")
def my_certificates(request):
    certs = Certificate.objects.filter(business=request.user.organisation)
    return render(
        request, "ocop/my_certificates.html", {"certs": [(c, *c.status()) for c in certs]}
    )


def verify(request, code):
    """Public: what the certificate's QR opens. Valid, expired, suspended or revoked, read now."""
    cert = get_object_or_404(
        Certificate.objects.select_related("business").prefetch_related("products"), code=code
    )
    state, reason = cert.status()
    return render(request, "ocop/verify.html", {"cert": cert, "state": state, "reason": reason})
