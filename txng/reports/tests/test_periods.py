from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from txng.accounts.models import Notification
from txng.audit.models import AuditEntry
from txng.reports import actions, tallies
from txng.reports.models import AgencyReport, PeriodKind, ReportState
from txng.tracing import actions as tracing

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(dost_admin, department, commune, other_commune):
    year = timezone.localdate().year
    return actions.open_period(actor=dost_admin, kind=PeriodKind.YEAR, year=year)


def _report(period, agency):
    return AgencyReport.objects.get(period=period, agency=agency)


def test_default_deadlines_are_20_june_and_25_december(dost_admin, department):
    half = actions.open_period(actor=dost_admin, kind=PeriodKind.HALF_YEAR, year=2026)
    year = actions.open_period(actor=dost_admin, kind=PeriodKind.YEAR, year=2026)
    assert half.deadline == date(2026, 6, 20)
    assert year.deadline == date(2026, 12, 25)
    assert (half.starts_on, year.ends_on) == (date(2026, 1, 1), date(2026, 12, 25))


def test_opening_a_period_gives_every_agency_a_report_and_a_notice(period, department, commune):
    agencies = set(period.reports.values_list("agency__name", flat=True))
    assert agencies == {department.name, commune.name, "Xã Quảng Uyên"}
    assert Notification.objects.filter(organisation=department, link__contains="/reports/").exists()


def test_only_dost_opens_a_period(dept_officer):
    with pytest.raises(PermissionDenied):
        actions.open_period(actor=dept_officer, kind=PeriodKind.YEAR, year=2026)


def test_the_same_period_twice_is_refused_by_field(period, dost_admin):
    with pytest.raises(ValidationError) as err:
        actions.open_period(actor=dost_admin, kind=PeriodKind.YEAR, year=period.year)
    assert "kind" in err.value.error_dict


def test_submitted_figures_are_frozen(period, chain, commune, commune_officer, biz_owner):
    tallies.refresh()
    report = actions.submit_report(
        _report(period, commune), actor=commune_officer, situation="Đã triển khai tại 1 HTX."
    )
    tracing.create_lot(actor=biz_owner, product=chain["product"], code="LO-02", quantity=5)
    tallies.refresh()
    report.refresh_from_db()
    frozen = {s["key"]: dict(s["rows"]) for s in report.figures}
    assert frozen["tracing"]["Lô hàng được ghi"] == 1
    fresh = {s["key"]: dict(s["rows"]) for s in actions.current_figures(report)}
    assert fresh["tracing"]["Lô hàng được ghi"] == 2


def test_report_needs_the_situation_before_it_is_sent(period, commune, commune_officer):
    with pytest.raises(ValidationError) as err:
        actions.submit_report(_report(period, commune), actor=commune_officer, situation=" ")
    assert "situation" in err.value.error_dict


def test_state_machine_draft_submit_return_resubmit_accept(
    period, commune, commune_officer, dost_admin
):
    report = _report(period, commune)
    actions.save_report(
        report, actor=commune_officer, situation="Nháp", difficulties="", proposals=""
    )
    with pytest.raises(ValidationError):
        actions.accept_report(report, actor=dost_admin)  # a draft is not accepted
    actions.submit_report(report, actor=commune_officer)
    with pytest.raises(ValidationError):
        actions.save_report(
            report, actor=commune_officer, situation="x", difficulties="", proposals=""
        )
    with pytest.raises(ValidationError) as err:
        actions.return_report(report, actor=dost_admin, reason="")
    assert "reason" in err.value.error_dict
    report = actions.return_report(report, actor=dost_admin, reason="Thiếu số liệu OCOP")
    assert report.state == ReportState.RETURNED
    assert report.return_reason == "Thiếu số liệu OCOP"
    report = actions.submit_report(report, actor=commune_officer, situation="Đã bổ sung")
    assert report.return_reason == ""
    report = actions.accept_report(report, actor=dost_admin)
    assert report.state == ReportState.ACCEPTED
    actions_logged = set(
        AuditEntry.objects.filter(object_id=str(report.pk)).values_list("action", flat=True)
    )
    assert {"reports.report_submit", "reports.report_return", "reports.report_accept"} <= (
        actions_logged
    )


def test_only_the_agency_edits_and_only_dost_decides(
    period, commune, other_commune_officer, commune_officer, dept_officer
):
    report = _report(period, commune)
    with pytest.raises(PermissionDenied):
        actions.submit_report(report, actor=other_commune_officer, situation="x")
    actions.submit_report(report, actor=commune_officer, situation="x")
    with pytest.raises(PermissionDenied):
        actions.accept_report(report, actor=dept_officer)


def test_late_submission_is_flagged_and_unsent_reports_are_overdue(
    period, commune, department, commune_officer
):
    report = _report(period, commune)
    after = period.deadline + timedelta(days=2)
    assert not report.is_overdue(today=period.deadline)
    assert report.is_overdue(today=after)
    with mock.patch(
        "django.utils.timezone.now",
        return_value=timezone.make_aware(timezone.datetime(after.year, after.month, after.day, 9)),
    ):
        report = actions.submit_report(report, actor=commune_officer, situation="Muộn")
    assert report.late
    assert report.is_overdue()
    assert not _report(period, department).late


def test_reminders_go_10_and_3_days_before_once_each(period, commune, commune_officer):
    notices = Notification.objects.filter(organisation=commune, message__startswith="Còn")
    assert actions.send_reminders(today=period.deadline - timedelta(days=11)) == 0
    assert actions.send_reminders(today=period.deadline - timedelta(days=10)) == 3
    assert actions.send_reminders(today=period.deadline - timedelta(days=9)) == 0
    assert notices.count() == 1
    actions.submit_report(_report(period, commune), actor=commune_officer, situation="x")
    assert actions.send_reminders(today=period.deadline - timedelta(days=3)) == 2
    assert notices.count() == 1  # the commune has sent its report
    assert set(notices.values_list("kind", flat=True)) == {"report_due"}


def test_agency_fills_and_sends_its_report_on_the_page(client, period, commune, commune_officer):
    report = _report(period, commune)
    client.force_login(commune_officer)
    url = reverse("reports:report", args=[report.pk])
    page = client.get(url).content.decode()
    assert "Tình hình triển khai" in page
    response = client.post(
        url, {"situation": "Triển khai tốt", "difficulties": "", "proposals": "", "submit": "1"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_dost_sees_who_has_submitted(client, period, commune, commune_officer, dost_admin):
    actions.submit_report(_report(period, commune), actor=commune_officer, situation="x")
    client.force_login(dost_admin)
    html = client.get(reverse("reports:period", args=[period.pk])).content.decode()
    assert html.count("Đã gửi, chờ Sở KH&amp;CN") == 1
    assert html.count("Đang soạn") == 2


def test_an_agency_cannot_open_another_agencys_report(
    client, period, commune, other_commune_officer
):
    client.force_login(other_commune_officer)
    response = client.get(reverse("reports:report", args=[_report(period, commune).pk]))
    assert response.status_code == 404
