"""What public writes to the audit log: each action's stored code and the name officials read.

record() takes only members of a registered AuditAction, so a misspelt or unnamed action
fails where it is written, not on the log page."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE_ARTICLE = "public.create_article", _("Đăng bài viết")
    EDIT_ARTICLE = "public.edit_article", _("Sửa bài viết")
    CREATE_SECTION = "public.create_section", _("Thêm chuyên mục tin")
    EDIT_SECTION = "public.edit_section", _("Sửa chuyên mục tin")
    CREATE_BANNER = "public.create_banner", _("Thêm ảnh quảng bá")
    EDIT_BANNER = "public.edit_banner", _("Sửa ảnh quảng bá")
    DELETE_BANNER = "public.delete_banner", _("Xóa ảnh quảng bá")
    SUBMIT_POST = "public.submit_post", _("Gửi tin cung cầu")
    APPROVE_POST = "public.approve_post", _("Duyệt tin cung cầu")
    REJECT_POST = "public.reject_post", _("Từ chối tin cung cầu")
    TAKE_DOWN_POST = "public.take_down_post", _("Gỡ tin cung cầu")


GROUP = _("Tin tức, cung cầu")
