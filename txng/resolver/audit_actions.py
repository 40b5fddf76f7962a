"""What the resolver writes to the audit log: each action's stored code and the name officials
read.

record() takes only members of a registered AuditAction, so a misspelt or unnamed action
fails where it is written, not on the log page."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    SAVE_DELEGATION = "resolver.save_delegation", _("Lưu chuyển tiếp mã GS1 sang hệ thống khác")
    DELETE_DELEGATION = "resolver.delete_delegation", _("Xoá chuyển tiếp mã GS1")


GROUP = _("Bộ phân giải GS1")
