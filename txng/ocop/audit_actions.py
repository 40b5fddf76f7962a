"""What the ocop app writes to the audit log."""

from django.db import models
from django.utils.translation import gettext_lazy as _

GROUP = _("OCOP và giấy xác nhận")


class AuditAction(models.TextChoices):
    SAVE_SHEET = "ocop.save_sheet", _("Lưu phiếu chấm OCOP")
    PUBLISH_SHEET = "ocop.publish_sheet", _("Ban hành phiếu chấm OCOP")
    APPLY = "ocop.apply", _("Nộp hồ sơ OCOP")
    SCORE = "ocop.score", _("Chấm điểm OCOP")
    PROPOSE = "ocop.propose", _("Xã đề xuất sản phẩm OCOP")
    RETURN = "ocop.return", _("Xã trả lại hồ sơ OCOP")
    CREATE_ROUND = "ocop.create_round", _("Lập đợt chấm của Hội đồng OCOP tỉnh")
    RECOGNISE = "ocop.recognise", _("Công nhận sản phẩm OCOP")
    NOT_RECOGNISE = "ocop.not_recognise", _("Không công nhận sản phẩm OCOP")
    REMIND = "ocop.remind", _("Nhắc kết quả OCOP sắp hết hiệu lực")
    SET_CONDITIONS = "ocop.set_conditions", _("Sửa điều kiện cấp giấy xác nhận")
    ISSUE_CERTIFICATE = "ocop.issue_certificate", _("Cấp giấy xác nhận tham gia TXNG")
    REVOKE_CERTIFICATE = "ocop.revoke_certificate", _("Thu hồi giấy xác nhận tham gia TXNG")
