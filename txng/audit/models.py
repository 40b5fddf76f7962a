"""The audit log: one row per state change, never updated or deleted by the app."""

from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from txng.common import limits
from txng.common.access import RestrictedQuerySet


class AuditEntryQuerySet(RestrictedQuerySet):
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

    def _model(self):
        try:
            return apps.get_model(self.object_type)
        except (LookupError, ValueError):
            return None

    @property
    def object_type_label(self):
        """ "lô hàng", not "tracing.lot": officials never read internal codes."""
        model = self._model()
        return capfirst(model._meta.verbose_name) if model is not None else ""

    @property
    def actor_label(self):
        return self.actor_name or _("Người dân (không đăng nhập)")

    def change_rows(self):
        """(field name as the form shows it, before, after) for each change, values read as
        the page shows them: dates dd/mm/yyyy, choices by their label."""
        model = self._model()
        rows = []
        for key, pair in (self.changes or {}).items():
            before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            field = None
            if model is not None:
                try:
                    field = model._meta.get_field(key)
                except FieldDoesNotExist:
                    field = None
            name = capfirst(getattr(field, "verbose_name", "") or key.replace("_", " "))
            rows.append((name, _readable(field, before), _readable(field, after)))
        return rows


def _readable(field, value):
    if value in (None, ""):
        return "∅"
    choices = dict(getattr(field, "flatchoices", None) or ())
    if choices and value in choices:
        return choices[value]
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if len(value) == 10:
            return formats.date_format(moment.date(), "d/m/Y")
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "d/m/Y H:i")
    return value
