"""Demo reports: the daily tallies, a closed six-monthly period with accepted, returned and late
reports, and the open yearly period. Safe to run again."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from txng.accounts.models import User
from txng.reports import actions, tallies
from txng.reports.models import AgencyReport, PeriodKind, ReportPeriod

SITUATION = (
    "Đã hướng dẫn các cơ sở thuộc phạm vi quản lý đăng ký tài khoản, công bố sản phẩm và ghi "
    "nhật ký sản xuất trên hệ thống; tổ chức 2 lớp tập huấn cho hợp tác xã."
)
DIFFICULTIES = "Một số hộ kinh doanh chưa quen dùng điện thoại thông minh để ghi nhật ký."
PROPOSALS = "Đề nghị Sở KH&CN hỗ trợ in tem QR cho các sản phẩm OCOP năm tới."


def _at(day, hour=9):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _submit(report, officer, *, on):
    report = actions.submit_report(
        report,
        actor=officer,
        situation=SITUATION,
        difficulties=DIFFICULTIES,
        proposals=PROPOSALS,
    )
    AgencyReport.objects.filter(pk=report.pk).update(
        submitted_at=_at(on), figures_at=_at(on), late=on > report.period.deadline
    )
    report.refresh_from_db()
    return report


def _officer(agency):
    return User.objects.filter(organisation=agency).order_by("pk").first()


def load(ctx):
    written = tallies.refresh(full=True)
    dost_admin = User.objects.get(username="dost")
    year = timezone.localdate().year
    if not ReportPeriod.objects.exists():
        half = actions.open_period(actor=dost_admin, kind=PeriodKind.HALF_YEAR, year=year)
        reports = list(half.reports.select_related("agency").order_by("agency__kind", "pk"))
        with_officer = [r for r in reports if _officer(r.agency) is not None]
        on_time, late, returned = with_officer[0], with_officer[-1], with_officer[1]
        for report, day in (
            (on_time, half.deadline - timedelta(days=5)),
            (late, half.deadline + timedelta(days=9)),
            (returned, half.deadline - timedelta(days=2)),
        ):
            _submit(report, _officer(report.agency), on=day)
        actions.accept_report(on_time, actor=dost_admin)
        actions.accept_report(late, actor=dost_admin)
        actions.return_report(
            returned,
            actor=dost_admin,
            reason="Thiếu số liệu tem QR đã kích hoạt; đề nghị bổ sung phần khó khăn.",
        )
        actions.save_aggregate(
            half,
            actor=dost_admin,
            number="125/BC-SKHCN",
            summary=(
                "Hệ thống truy xuất nguồn gốc vận hành ổn định; số cơ sở và sản phẩm tham gia "
                "tăng so với cùng kỳ."
            ),
            proposals="Đề nghị UBND tỉnh chỉ đạo các xã tiếp tục vận động cơ sở tham gia.",
            recipients="UBND tỉnh (b/c)\nCác sở, ban, ngành\nUBND các xã, phường\nLưu: VT, QLCN",
            signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
            signer_name="Nguyễn Minh Quân",
        )
        actions.close_period(half, actor=dost_admin)
        whole = actions.open_period(actor=dost_admin, kind=PeriodKind.YEAR, year=year)
        first = whole.reports.select_related("agency").order_by("agency__kind", "pk")
        sender = next(r for r in first if _officer(r.agency) is not None)
        actions.submit_report(sender, actor=_officer(sender.agency), situation=SITUATION)
    ctx["log"](f"reports: {written} tally rows, {ReportPeriod.objects.count()} periods")
    urls = ctx.setdefault("try_urls", [])
    urls.append(("Thống kê công khai", "/thong-ke/"))
    urls.append(("Thống kê trong trang quản lý (đăng nhập)", "/manage/reports/"))
