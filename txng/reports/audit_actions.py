"""What reports writes to the audit log."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    PERIOD_OPEN = "reports.period_open", _("Mở kỳ báo cáo")
    PERIOD_CLOSE = "reports.period_close", _("Khóa sổ kỳ báo cáo")
    REPORT_SAVE = "reports.report_save", _("Lưu nháp báo cáo")
    REPORT_SUBMIT = "reports.report_submit", _("Gửi báo cáo")
    REPORT_RETURN = "reports.report_return", _("Trả lại báo cáo")
    REPORT_ACCEPT = "reports.report_accept", _("Tiếp nhận báo cáo")
    REPORT_REMIND = "reports.report_remind", _("Nhắc hạn nộp báo cáo")
    AGGREGATE_SAVE = "reports.aggregate_save", _("Lưu báo cáo tổng hợp của tỉnh")
    AGGREGATE_EXPORT = "reports.aggregate_export", _("Tải báo cáo tổng hợp")
    EXPORT_REQUEST = "reports.export_request", _("Yêu cầu xuất dữ liệu truy xuất")
    EXPORT_DOWNLOAD = "reports.export_download", _("Tải tệp dữ liệu truy xuất")


GROUP = _("Báo cáo, thống kê")
