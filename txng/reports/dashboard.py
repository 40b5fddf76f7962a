"""What reports adds to the workspace's front page (accounts.views.home): the way to the
dashboard with its charts, and the periodic reports waiting for this organisation."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from txng.reports import figures
from txng.reports.models import AgencyReport, Metric, PeriodState, ReportState


def tiles(user):
    out = []
    if user.is_dost:
        waiting = AgencyReport.objects.filter(state=ReportState.SUBMITTED).count()
        out.append((waiting, _("báo cáo định kỳ chờ tiếp nhận"), reverse("reports:periods")))
    elif user.is_authority:
        todo = AgencyReport.objects.filter(
            agency=user.organisation.root,
            period__state=PeriodState.OPEN,
            state__in=(ReportState.DRAFT, ReportState.RETURNED),
        ).count()
        out.append((todo, _("báo cáo định kỳ cần gửi"), reverse("reports:periods")))
    if user.organisation_id is None:
        return out
    today = timezone.localdate()
    scope = figures.Scope.for_user(user, today.replace(month=1, day=1), today)
    scans = figures.tally_total(scope, Metric.SCANS)
    out.append((scans, _("lượt quét tem từ đầu năm: xem thống kê"), reverse("reports:dashboard")))
    return out
