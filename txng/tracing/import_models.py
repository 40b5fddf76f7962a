"""Spreadsheet import jobs (importer.py runs them): a business's file of lots or diary rows,
read by the task worker. Kept apart from models.py (lots and their records), which re-exports
them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from txng.tracing.querysets import VisibleToBusinessQuerySet


class ImportState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ xử lý")
    RUNNING = "running", _("Đang nhập")
    FAILED = "failed", _("Có lỗi, chưa nhập dòng nào")
    DONE = "done", _("Đã nhập xong")


class ImportJob(models.Model):
    business = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="import_jobs"
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("loại dữ liệu"), max_length=20)
    file = models.FileField(upload_to="imports/%Y/%m/")
    state = models.CharField(max_length=10, choices=ImportState.choices, default="queued")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisibleToBusinessQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self):
        return int(self.done * 100 / self.total) if self.total else 0
