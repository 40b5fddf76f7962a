"""What enrolment writes to the audit log: each action's stored code and the name officials read.

record() takes only members of a registered AuditAction, so a misspelt or unnamed action
fails where it is written, not on the log page."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    SUBMIT = "enrolment.submit", _("Nộp hồ sơ đăng ký")
    RESUBMIT = "enrolment.resubmit", _("Nộp bổ sung hồ sơ")
    ASK_SUPPLEMENT = "enrolment.ask_supplement", _("Yêu cầu bổ sung hồ sơ")
    APPROVE = "enrolment.approve", _("Duyệt hồ sơ, cấp tài khoản")
    REJECT = "enrolment.reject", _("Từ chối hồ sơ")


GROUP = _("Hồ sơ đăng ký")
