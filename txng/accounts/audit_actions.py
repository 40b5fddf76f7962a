"""What accounts writes to the audit log: each action's stored code and the name officials read.

record() takes only members of a registered AuditAction, so a misspelt or unnamed action
fails where it is written, not on the log page."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE_AUTHORITY = "accounts.create_authority", _("Tạo tài khoản cơ quan")
    ADD_STAFF = "accounts.add_staff", _("Thêm nhân viên")
    ADD_OFFICIAL = "accounts.add_official", _("Thêm tài khoản cán bộ")
    REMOVE_STAFF = "accounts.remove_staff", _("Cho thôi nhân viên")
    LOCK = "accounts.lock", _("Khóa tài khoản")
    UNLOCK = "accounts.unlock", _("Mở khóa tài khoản")
    REVOKE = "accounts.revoke", _("Thu hồi tài khoản")
    RESEND_ACTIVATION = "accounts.resend_activation", _("Gửi lại liên kết kích hoạt")
    ACTIVATE = "accounts.activate", _("Kích hoạt tài khoản")
    ENABLE_2FA = "accounts.enable_2fa", _("Bật đăng nhập hai bước")
    DISABLE_2FA = "accounts.disable_2fa", _("Tắt đăng nhập hai bước")
    PASSWORD_RESET = "accounts.password_reset", _("Đặt lại mật khẩu (quên mật khẩu)")
    PASSWORD_CHANGE = "accounts.password_change", _("Đổi mật khẩu")
    SET_GLN = "accounts.set_gln", _("Cập nhật mã GLN")


GROUP = _("Tài khoản")
