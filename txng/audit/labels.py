"""Readable names for audit actions. Apps add theirs with `register({...})` in their apps.py."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "accounts.create_authority": _("Tạo tài khoản cơ quan"),
    "accounts.add_staff": _("Thêm nhân viên"),
    "accounts.add_official": _("Thêm tài khoản cán bộ"),
    "accounts.remove_staff": _("Cho thôi nhân viên"),
    "accounts.lock": _("Khóa tài khoản"),
    "accounts.unlock": _("Mở khóa tài khoản"),
    "accounts.revoke": _("Thu hồi tài khoản"),
    "accounts.resend_activation": _("Gửi lại liên kết kích hoạt"),
    "accounts.activate": _("Kích hoạt tài khoản"),
    "accounts.enable_2fa": _("Bật đăng nhập hai bước"),
    "accounts.disable_2fa": _("Tắt đăng nhập hai bước"),
    "enrolment.submit": _("Nộp hồ sơ đăng ký"),
    "enrolment.resubmit": _("Nộp bổ sung hồ sơ"),
    "enrolment.ask_supplement": _("Yêu cầu bổ sung hồ sơ"),
    "enrolment.approve": _("Duyệt hồ sơ, cấp tài khoản"),
    "enrolment.reject": _("Từ chối hồ sơ"),
}


# Each app's actions share a prefix ("tracing.ship"); the log can be filtered by it.
GROUPS = {
    "accounts.": _("Tài khoản"),
    "enrolment.": _("Hồ sơ đăng ký"),
    "catalog.": _("Sản phẩm, nội dung"),
    "public.": _("Tin tức, cung cầu"),
    "tracing.": _("Truy xuất, thu hồi"),
    "stamps.": _("Tem QR"),
}


def register(labels):
    LABELS.update(labels)


def label(action):
    return LABELS.get(action, action)


def choices():
    """For a filter: each group (all its actions), then its actions by name."""
    out = []
    for prefix, name in GROUPS.items():
        own = sorted(
            ((a, str(lab)) for a, lab in LABELS.items() if a.startswith(prefix)),
            key=lambda item: item[1],
        )
        out.append((str(name), [(prefix, _("%(group)s: tất cả") % {"group": name}), *own]))
    return out
