"""Every state change of reports: periods, agency reports and their review, reminders, exports."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from txng.accounts.actions import notify
from txng.accounts.models import NotificationKind, Organisation
from txng.audit.actions import record
from txng.reports import figures
from txng.reports.audit_actions import AuditAction
from txng.reports.models import (
    AgencyReport,
    ExportJob,
    ExportKind,
    PeriodKind,
    PeriodState,
    ReportPeriod,
    ReportState,
)
from txng.reports.periods import deadline_for, span_for

REMINDER_DAYS = (10, 3)


def _require_dost(actor):
    if not (actor.is_authenticated and actor.is_dost):
        raise PermissionDenied(_("Chỉ Sở Khoa học và Công nghệ làm việc này."))


def _locked(model, pk):
    return model.objects.select_for_update().get(pk=pk)


@transaction.atomic
def open_period(*, actor, kind, year, starts_on=None, ends_on=None, deadline=None):
    """Open a period and give every department and commune its report to fill."""
    _require_dost(actor)
    if kind not in PeriodKind.values:
        raise ValidationError({"kind": _("Chọn loại báo cáo.")})
    start, end = span_for(kind, year)
    period = ReportPeriod(
        kind=kind,
        year=year,
        starts_on=starts_on or start,
        ends_on=ends_on or end,
        deadline=deadline or deadline_for(kind, year),
        opened_by=actor,
    )
    period.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            period.save()
    except IntegrityError:
        raise ValidationError(
            {"kind": _("Đã có kỳ báo cáo loại này cho cùng khoảng thời gian.")}
        ) from None
    agencies = list(Organisation.objects.agencies())
    AgencyReport.objects.bulk_create(AgencyReport(period=period, agency=a) for a in agencies)
    record(actor, AuditAction.PERIOD_OPEN, period, changes={"agencies": (None, len(agencies))})
    link = reverse("reports:period", args=[period.pk])
    message = _("Kỳ báo cáo mới: %(period)s, hạn nộp %(deadline)s.") % {
        "period": period,
        "deadline": period.deadline.strftime("%d/%m/%Y"),
    }
    for agency in agencies:
        notify(agency, message, link, kind=NotificationKind.REPORT_DUE)
    return period


@transaction.atomic
def close_period(period, *, actor):
    _require_dost(actor)
    period = _locked(ReportPeriod, period.pk)
    period.state = PeriodState.CLOSED
    period.save(update_fields=["state"])
    record(actor, AuditAction.PERIOD_CLOSE, period)
    return period


def scope_of(report):
    return figures.Scope.for_agency(report.agency, report.period.starts_on, report.period.ends_on)


def current_figures(report):
    """The figures of the report's scope as the data stands now (JSON-ready)."""
    return [s.as_dict() for s in figures.sections(scope_of(report))]


def _editable(report, actor):
    if not AgencyReport.objects.change_rule(actor).filter(pk=report.pk).exists():
        raise PermissionDenied(_("Chỉ cơ quan lập báo cáo được sửa báo cáo này."))
    if not report.editable:
        raise ValidationError(_("Báo cáo đã gửi hoặc kỳ báo cáo đã khóa sổ, không sửa được."))


@transaction.atomic
def save_report(report, *, actor, situation, difficulties, proposals):
    report = _locked(AgencyReport, report.pk)
    _editable(report, actor)
    report.situation, report.difficulties, report.proposals = situation, difficulties, proposals
    report.save(update_fields=["situation", "difficulties", "proposals", "updated_at"])
    record(actor, AuditAction.REPORT_SAVE, report)
    return report


@transaction.atomic
def submit_report(report, *, actor, situation=None, difficulties=None, proposals=None):
    """Send the report to DOST; its figures are frozen as they stand now."""
    report = _locked(AgencyReport, report.pk)
    _editable(report, actor)
    for name, value in (
        ("situation", situation),
        ("difficulties", difficulties),
        ("proposals", proposals),
    ):
        if value is not None:
            setattr(report, name, value)
    if not report.situation.strip():
        raise ValidationError({"situation": _("Viết tình hình triển khai trước khi gửi.")})
    now = timezone.now()
    report.figures = current_figures(report)
    report.figures_at = now
    report.state = ReportState.SUBMITTED
    report.submitted_at, report.submitted_by = now, actor
    report.late = timezone.localdate(now) > report.period.deadline
    report.return_reason = ""
    report.save()
    record(
        actor,
        AuditAction.REPORT_SUBMIT,
        report,
        changes={"state": (ReportState.DRAFT, report.state), "late": (None, report.late)},
    )
    dost = Organisation.objects.filter(kind="dost").first()
    if dost:
        notify(
            dost,
            _("%(agency)s đã gửi báo cáo %(period)s.")
            % {"agency": report.agency, "period": report.period},
            reverse("reports:report", args=[report.pk]),
            kind=NotificationKind.GENERAL,
        )
    return report


@transaction.atomic
def return_report(report, *, actor, reason):
    _require_dost(actor)
    report = _locked(AgencyReport, report.pk)
    if report.state != ReportState.SUBMITTED:
        raise ValidationError(_("Chỉ trả lại báo cáo đang chờ tiếp nhận."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Ghi lý do trả lại.")})
    report.state, report.return_reason = ReportState.RETURNED, reason.strip()
    report.decided_at, report.decided_by = timezone.now(), actor
    report.save()
    record(actor, AuditAction.REPORT_RETURN, report, reason=report.return_reason)
    notify(
        report.agency,
        _("Báo cáo %(period)s bị trả lại: %(reason)s")
        % {"period": report.period, "reason": report.return_reason},
        reverse("reports:report", args=[report.pk]),
        kind=NotificationKind.REPORT_DECIDED,
    )
    return report


@transaction.atomic
def accept_report(report, *, actor):
    _require_dost(actor)
    report = _locked(AgencyReport, report.pk)
    if report.state != ReportState.SUBMITTED:
        raise ValidationError(_("Chỉ tiếp nhận báo cáo đang chờ tiếp nhận."))
    report.state = ReportState.ACCEPTED
    report.decided_at, report.decided_by = timezone.now(), actor
    report.save()
    record(actor, AuditAction.REPORT_ACCEPT, report)
    notify(
        report.agency,
        _("Sở KH&CN đã tiếp nhận báo cáo %(period)s.") % {"period": report.period},
        reverse("reports:report", args=[report.pk]),
        kind=NotificationKind.REPORT_DECIDED,
    )
    return report


AGGREGATE_FIELDS = (
    "number",
    "place",
    "summary",
    "proposals",
    "recipients",
    "signer_title",
    "signer_name",
)


@transaction.atomic
def save_aggregate(period, *, actor, **values):
    _require_dost(actor)
    period = _locked(ReportPeriod, period.pk)
    for name in AGGREGATE_FIELDS:
        if name in values:
            setattr(period, name, values[name])
    period.save()
    record(actor, AuditAction.AGGREGATE_SAVE, period)
    return period


def send_reminders(*, today=None):
    """Remind each agency whose report is not sent 10 and 3 days before the deadline (once
    each, whenever the daily run falls within that many days). Returns reminders sent."""
    today = today or timezone.localdate()
    sent = 0
    waiting = AgencyReport.objects.filter(
        period__state=PeriodState.OPEN,
        period__deadline__gte=today,
        state__in=(ReportState.DRAFT, ReportState.RETURNED),
    ).select_related("period", "agency")
    for report in waiting:
        left = (report.period.deadline - today).days
        due = [d for d in REMINDER_DAYS if left <= d and d not in report.reminded_days]
        if not due:
            continue
        with transaction.atomic():
            report = _locked(AgencyReport, report.pk)
            if any(d in report.reminded_days for d in due):
                continue
            # One notice even when the run skipped days: the nearest reminder stands for both.
            report.reminded_days = sorted(set(report.reminded_days) | set(due), reverse=True)
            report.save(update_fields=["reminded_days"])
            notify(
                report.agency,
                _("Còn %(days)s ngày đến hạn nộp báo cáo %(period)s (hạn %(deadline)s).")
                % {
                    "days": left,
                    "period": report.period,
                    "deadline": report.period.deadline.strftime("%d/%m/%Y"),
                },
                reverse("reports:report", args=[report.pk]),
                kind=NotificationKind.REPORT_DUE,
            )
            record(None, AuditAction.REPORT_REMIND, report, changes={"days_left": (None, left)})
            sent += 1
    return sent


@transaction.atomic
def request_export(*, actor, kind, source="", source_id=None, params=None):
    """Queue an export; the task fills it in and records progress on the row."""
    if not actor.is_authenticated or actor.organisation_id is None:
        raise PermissionDenied
    if kind == ExportKind.BUSINESS and not actor.is_business:
        raise PermissionDenied(_("Chỉ cơ sở xuất sổ ghi chép của mình."))
    if kind == ExportKind.REGULATOR and not actor.is_authority:
        raise PermissionDenied(_("Chỉ cơ quan quản lý yêu cầu dữ liệu truy xuất."))
    job = ExportJob.objects.create(
        kind=kind,
        organisation=actor.organisation.root,
        requested_by=actor,
        source=source,
        source_id=source_id,
        params=params or {},
    )
    record(
        actor,
        AuditAction.EXPORT_REQUEST,
        job,
        changes={k: (None, v) for k, v in {"source": source, **(params or {})}.items()},
    )

    def _enqueue():
        from txng.reports.tasks import make_export

        make_export.enqueue(job.pk)

    transaction.on_commit(_enqueue)
    return job
