import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from txng.audit.actions import record
from txng.common.access import get_visible_or_404, role_required
from txng.common.forms import save_form
from txng.reports import actions, documents, exports, figures, public
from txng.reports.audit_actions import AuditAction
from txng.reports.forms import (
    AggregateForm,
    BusinessExportForm,
    ExportFilterForm,
    PeriodForm,
    RangeForm,
    ReportForm,
    ReturnForm,
)
from txng.reports.models import AgencyReport, ExportJob, ExportKind, ExportState, ReportPeriod

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def dashboard(request):
    if request.user.organisation_id is None:
        raise PermissionDenied
    form = RangeForm(request.GET or None)
    start, end = form.span()
    if not form.is_bound:
        form = RangeForm(initial={"start": start, "end": end})
    scope = figures.Scope.for_user(request.user, start, end)
    return render(
        request,
        "reports/dashboard.html",
        {"form": form, "scope": scope, "sections": figures.sections(scope)},
    )


@role_required("authority")
def periods(request):
    user = request.user
    rows = ReportPeriod.objects.restrict(user).order_by("-deadline")
    mine = {}
    if not user.is_dost:
        mine = {
            r.period_id: r for r in AgencyReport.objects.restrict(user).select_related("period")
        }
    form = PeriodForm(request.POST or None, initial={"year": timezone.localdate().year})
    if user.is_dost and (
        saved := save_form(
            request,
            form,
            lambda: actions.open_period(
                actor=user,
                kind=form.cleaned_data["kind"],
                year=form.cleaned_data["year"],
                deadline=form.cleaned_data["deadline"],
            ),
            _("Đã mở kỳ báo cáo và gửi thông báo cho các cơ quan."),
        )
    ):
        return redirect("reports:period", pk=saved.result.pk)
    items = [(p, mine.get(p.pk)) for p in rows]
    return render(request, "reports/periods.html", {"items": items, "form": form})


@role_required("authority")
def period_detail(request, pk):
    user = request.user
    period = get_visible_or_404(ReportPeriod.objects, user, pk=pk)
    if not user.is_dost:
        report = AgencyReport.objects.restrict(user).filter(period=period).first()
        if report is None:
            raise Http404
        return redirect("reports:report", pk=report.pk)
    form = AggregateForm(request.POST or None, instance=period)
    if request.method == "POST" and request.POST.get("close") and period.is_open:
        actions.close_period(period, actor=user)
        messages.success(request, _("Đã khóa sổ kỳ báo cáo."))
        return redirect("reports:period", pk=pk)
    if save_form(
        request,
        form,
        lambda: actions.save_aggregate(
            period, actor=user, **{f: form.cleaned_data[f] for f in actions.AGGREGATE_FIELDS}
        ),
        _("Đã lưu báo cáo tổng hợp."),
    ):
        return redirect("reports:period", pk=pk)
    reports = period.reports.select_related("agency")
    today = timezone.localdate()
    return render(
        request,
        "reports/period.html",
        {
            "period": period,
            "form": form,
            "reports": [(r, r.is_overdue(today)) for r in reports],
            "agg": documents.aggregate(period),
        },
    )


@role_required("dost")
def aggregate_file(request, pk, fmt):
    period = get_visible_or_404(ReportPeriod.objects, request.user, "manage", pk=pk)
    agg = documents.aggregate(period)
    makers = {
        "docx": (documents.docx_bytes, DOCX_TYPE),
        "pdf": (documents.pdf_bytes, "application/pdf"),
        "xlsx": (documents.xlsx_bytes, XLSX_TYPE),
    }
    if fmt not in makers:
        raise Http404
    make, content_type = makers[fmt]
    record(request.user, AuditAction.AGGREGATE_EXPORT, period, changes={"format": (None, fmt)})
    response = HttpResponse(make(agg), content_type=content_type)
    name = f"bao-cao-{period.kind}-{period.year}-{period.pk}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required("authority")
def report_detail(request, pk):
    user = request.user
    report = get_visible_or_404(
        AgencyReport.objects.select_related("period", "agency"), user, pk=pk
    )
    can_edit = report.editable and AgencyReport.objects.change_rule(user).filter(pk=pk).exists()
    form = ReportForm(request.POST or None, instance=report) if can_edit else None
    back = ReturnForm(request.POST or None) if user.is_dost else None
    if request.method == "POST" and form is not None:
        submit = "submit" in request.POST
        act = actions.submit_report if submit else actions.save_report
        done = _("Đã gửi báo cáo đến Sở KH&CN.") if submit else _("Đã lưu nháp.")
        if save_form(request, form, lambda: act(report, actor=user, **_texts(form)), done):
            return redirect("reports:report", pk=pk)
    if report.submitted_at and report.figures:
        sections = [figures.Section.from_dict(s) for s in report.figures]
        frozen = True
    else:
        sections = figures.sections(actions.scope_of(report))
        frozen = False
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "form": form,
            "back": back,
            "sections": sections,
            "frozen": frozen,
            "overdue": report.is_overdue(),
        },
    )


def _texts(form):
    return {f: form.cleaned_data[f] for f in ("situation", "difficulties", "proposals")}


@require_POST
@role_required("dost")
def decide(request, pk, action):
    report = get_visible_or_404(AgencyReport.objects, request.user, "manage", pk=pk)
    try:
        if action == "accept":
            actions.accept_report(report, actor=request.user)
            messages.success(request, _("Đã tiếp nhận báo cáo."))
        elif action == "return":
            actions.return_report(report, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("Đã trả lại báo cáo."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("reports:report", pk=pk)


# --- Exports -------------------------------------------------------------------------------


@role_required("authority")
def export_new(request, source, pk):
    """Hand the data over: the filters, then one click queues the export of the chain."""
    kind = exports.SOURCES.get(source)
    if kind is None:
        raise Http404
    obj = get_visible_or_404(kind.model.objects, request.user, pk=pk)
    form = ExportFilterForm(request.POST or None)
    if saved := save_form(
        request,
        form,
        lambda: actions.request_export(
            actor=request.user,
            kind=ExportKind.REGULATOR,
            source=source,
            source_id=obj.pk,
            params=form.params(),
        ),
    ):
        return redirect("reports:export", pk=saved.result.pk)
    context = {"form": form, "label": kind.label(obj), "url_name": kind.url_name, "obj": obj}
    return render(request, "reports/export_new.html", context)


@role_required("business")
def my_export(request):
    form = BusinessExportForm(request.POST or None)
    if saved := save_form(
        request,
        form,
        lambda: actions.request_export(
            actor=request.user, kind=ExportKind.BUSINESS, params=form.params()
        ),
    ):
        return redirect("reports:export", pk=saved.result.pk)
    jobs = ExportJob.objects.restrict(request.user)[:10]
    return render(request, "reports/my_export.html", {"form": form, "jobs": jobs})


@login_required
def export_detail(request, pk):
    job = get_visible_or_404(ExportJob.objects, request.user, pk=pk)
    return render(
        request,
        "reports/export.html",
        {
            "job": job,
            "label": exports.source_label(job),
            "running": job.state not in ("done", "failed"),
        },
    )


@login_required
def export_file(request, pk, fmt):
    job = get_visible_or_404(ExportJob.objects, request.user, pk=pk)
    file = {"xlsx": job.xlsx, "csv": job.csv}.get(fmt)
    if job.state != ExportState.DONE or not file:
        raise Http404
    record(request.user, AuditAction.EXPORT_DOWNLOAD, job, changes={"format": (None, fmt)})
    return FileResponse(file.open("rb"), as_attachment=True, filename=file.name.rsplit("/", 1)[-1])


# --- Open data -----------------------------------------------------------------------------


def public_stats(request):
    data = public.statistics()
    return render(request, "reports/public_stats.html", {"data": data})


def public_stats_data(request, fmt):
    data = public.statistics()
    if fmt == "json":
        response = JsonResponse(public.as_json(data), json_dumps_params={"ensure_ascii": False})
    elif fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(["table", "label", "value"])
        for section in data["sections"]:
            for row in section.rows:
                writer.writerow([section.key, row.label, row.value])
        response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="thong-ke-txng.csv"'
    else:
        raise Http404
    response["Link"] = f'<{public.LICENCE_URL}>; rel="license"'
    response["Cache-Control"] = "public, max-age=3600"
    return response
