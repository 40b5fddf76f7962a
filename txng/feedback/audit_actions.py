"""What feedback writes to the audit log."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CASE_FILE = "feedback.case_file", _("Tiếp nhận phản ánh")
    CASE_HANDLE = "feedback.case_handle", _("Bắt đầu xử lý phản ánh")
    CASE_REASSIGN = "feedback.case_reassign", _("Chuyển cơ quan xử lý phản ánh")
    CASE_ASK = "feedback.case_ask", _("Yêu cầu cơ sở giải trình")
    CASE_EXPLAIN = "feedback.case_explain", _("Cơ sở giải trình phản ánh")
    CASE_LINK = "feedback.case_link", _("Xử lý liên quan đến phản ánh")
    CASE_RESOLVE = "feedback.case_resolve", _("Giải quyết phản ánh")
    CASE_DISMISS = "feedback.case_dismiss", _("Không xử lý phản ánh")
    COMMENT_POST = "feedback.comment_post", _("Gửi đánh giá sản phẩm")
    COMMENT_APPROVE = "feedback.comment_approve", _("Duyệt đánh giá")
    COMMENT_HIDE = "feedback.comment_hide", _("Ẩn đánh giá")
    COMMENT_REPLY = "feedback.comment_reply", _("Trả lời đánh giá")
    PREFERENCES = "feedback.preferences", _("Đổi cách nhận thông báo")


GROUP = _("Phản ánh, đánh giá")
