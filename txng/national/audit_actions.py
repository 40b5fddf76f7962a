"""What national writes to the audit log: each action's stored code and the name officials read.

record() takes only members of a registered AuditAction, so a misspelt or unnamed action
fails where it is written, not on the log page."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    HUB_SAVE = "national.hub_save", _("Sửa cấu hình kết nối hệ thống quốc gia")
    HUB_TOGGLE = "national.hub_toggle", _("Bật, tắt kết nối hệ thống quốc gia")
    REPLAY = "national.replay", _("Gửi lại bản ghi tới hệ thống quốc gia")
    FIX = "national.fix", _("Sửa dữ liệu gửi hệ thống quốc gia")
    MARK_UPLOADED = "national.mark_uploaded", _("Xác nhận đã tải tệp lên hệ thống quốc gia")
    SECTOR_IMPORT = "national.sector_import", _("Nhận dữ liệu từ hệ thống của sở, ngành")
    SECTOR_DECIDE = "national.sector_decide", _("Xử lý dữ liệu khác biệt từ sở, ngành")


GROUP = _("Kết nối quốc gia")
