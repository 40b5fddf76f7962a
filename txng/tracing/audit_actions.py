"""What tracing writes to the audit log: each action's stored code and the name officials read.

record() takes only members of a registered AuditAction, so a misspelt or unnamed action
fails where it is written, not on the log page."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE_LOT = "tracing.create_lot", _("Tạo lô hàng")
    DIARY = "tracing.diary", _("Ghi nhật ký sản xuất")
    SHIP = "tracing.ship", _("Xuất hàng")
    RECEIVE = "tracing.receive", _("Xác nhận nhận hàng")
    RETURN = "tracing.return", _("Trả lại hàng")
    TRANSFORM = "tracing.transform", _("Chế biến, phối trộn")
    ADJUST = "tracing.adjust", _("Điều chỉnh tồn kho")
    DESTROY = "tracing.destroy", _("Tiêu hủy hàng")
    FINISH_LOT = "tracing.finish_lot", _("Kết thúc lô hàng")
    DECLARE_ERROR = "tracing.declare_error", _("Khai báo ghi nhầm")
    IMPORT = "tracing.import", _("Nhập dữ liệu từ tệp")
    PROCESS = "tracing.process", _("Tạo quy trình sản xuất")
    PURGE = "tracing.purge", _("Xóa lô hết hạn lưu trữ")
    REQUEST = "tracing.request", _("Yêu cầu truy xuất")
    ANSWER = "tracing.answer", _("Trả lời yêu cầu truy xuất")
    RECALL = "tracing.recall", _("Thu hồi lô hàng")
    RECALL_COMPLETE = "tracing.recall_complete", _("Báo cáo hoàn tất thu hồi")
    RECALL_LIFT = "tracing.recall_lift", _("Chấm dứt thu hồi")
    RECALL_EXPORT = "tracing.recall_export", _("Tải danh sách nơi giữ hàng của đợt thu hồi")
    RETENTION = "tracing.retention", _("Đặt thời hạn lưu trữ hồ sơ lô")
    RETENTION_CLEAR = "tracing.retention_clear", _("Bỏ thời hạn lưu trữ riêng của danh mục")


GROUP = _("Truy xuất, thu hồi")
