"""The audit log: one row per state change, never updated or deleted by the app."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from txng.common import limits


class AuditEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_authenticated and user.is_dost:
            return self.all()
        return self.none()

    def update(self, **kwargs):
        raise PermissionError("audit rows are append-only")

    def delete(self):
        raise PermissionError("audit rows are append-only")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("tên người thực hiện"), max_length=255, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("tổ chức"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("hành động"), max_length=100, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=100, db_index=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("đối tượng"), max_length=255, blank=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    reason = models.TextField(_("lý do"), blank=True, max_length=limits.REASON)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit rows are append-only")

    @property
    def action_label(self):
        from txng.audit.labels import label

        return label(self.action)
