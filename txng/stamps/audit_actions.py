"""What stamps writes to the audit log: each action's stored code and the name officials read.

record() takes only members of a registered AuditAction, so a misspelt or unnamed action
fails where it is written, not on the log page."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    ORDER_SUBMIT = "stamps.order_submit", _("Đặt in tem")
    ORDER_APPROVE = "stamps.order_approve", _("Duyệt đơn in tem")
    ORDER_REJECT = "stamps.order_reject", _("Từ chối đơn in tem")
    ORDER_CANCEL = "stamps.order_cancel", _("Hủy đơn in tem")
    ORDER_READY = "stamps.order_ready", _("Đã tạo xong tệp in tem")
    DOWNLOAD = "stamps.download", _("Tải tệp in tem")
    ACTIVATE = "stamps.activate", _("Kích hoạt tem")
    VOID = "stamps.void", _("Hủy tem")
    SET_QUOTA = "stamps.set_quota", _("Đặt hạn mức tem")
    DELEGATE = "stamps.delegate", _("Ủy quyền duyệt đơn in tem")
    FAKE_REPORT = "stamps.fake_report", _("Phản ánh nghi hàng giả")


GROUP = _("Tem QR")
