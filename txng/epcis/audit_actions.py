"""What the epcis app writes to the audit log."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    KEY_CREATE = "epcis.key_create", _("Tạo khóa API")
    KEY_ROTATE = "epcis.key_rotate", _("Đổi khóa API")
    KEY_REVOKE = "epcis.key_revoke", _("Thu hồi khóa API")
    CAPTURE = "epcis.capture", _("Gửi sự kiện EPCIS qua API")
    QUERY_CREATE = "epcis.query_create", _("Lưu truy vấn EPCIS")
    QUERY_DELETE = "epcis.query_delete", _("Xóa truy vấn EPCIS")
    SUBSCRIBE = "epcis.subscribe", _("Đăng ký nhận sự kiện EPCIS")
    UNSUBSCRIBE = "epcis.unsubscribe", _("Hủy đăng ký nhận sự kiện EPCIS")


GROUP = _("API, EPCIS")
