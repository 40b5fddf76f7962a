"""Hubs (national portals, sector systems, partners' EPCIS repositories) and the outbox of what
each must be told. Every row is written in the transaction of the change it reports (see
outbox.py), so a change is never lost; each row carries an idempotency key, so a resend after a
crash is recognised by the hub and never counted twice."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Adapter(models.TextChoices):
    NBC = "nbc", _("Cổng TXNG quốc gia (NBC)")
    EPCIS = "epcis", _("Kho EPCIS 2.0")
    FILE = "file", _("Tệp để tải lên thủ công")


class Hub(models.Model):
    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    adapter = models.CharField(_("cách kết nối"), max_length=10, choices=Adapter.choices)
    enabled = models.BooleanField(_("đang bật"), default=False)
    url = models.CharField(_("địa chỉ nhận dữ liệu"), max_length=500, blank=True)
    token_url = models.CharField(_("địa chỉ lấy token"), max_length=500, blank=True)
    max_attempts = models.PositiveSmallIntegerField(_("số lần thử tối đa"), default=8)
    breaker_threshold = models.PositiveSmallIntegerField(
        _("số lỗi liên tiếp thì tạm dừng"), default=5
    )
    breaker_cooldown = models.PositiveIntegerField(_("thời gian tạm dừng (giây)"), default=300)
    # Circuit breaker, in the database so every worker process sees the same state.
    failures = models.PositiveIntegerField(default=0)
    open_until = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    # OAuth2 client-credentials token, shared by the worker processes until it expires.
    # Written by the adapter from the hub's answers, never typed: not editable in any form.
    access_token = models.TextField(blank=True, editable=False)
    token_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("hệ thống quốc gia")

    def __str__(self):
        return self.name


class RecordType(models.TextChoices):
    ORGANISATION = "organisation", _("Cơ sở")
    PRODUCT = "product", _("Sản phẩm")
    LOT = "lot", _("Lô hàng, sự kiện")
    RECALL = "recall", _("Thu hồi")


class SyncState(models.TextChoices):
    WAITING = "waiting", _("Đang chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi, chờ tiếp nhận")
    ACCEPTED = "accepted", _("Đã được tiếp nhận")
    REFUSED = "refused", _("Bị từ chối")
    DEAD = "dead", _("Gửi không được, chờ xử lý")


DONE = (SyncState.ACCEPTED,)
# A later change of the same record waits while an earlier one is still on its way or stuck.
BLOCKING = (SyncState.WAITING, SyncState.SENDING, SyncState.DEAD)


class OutboxRow(models.Model):
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="rows")
    record_type = models.CharField(max_length=20, choices=RecordType.choices)
    record_id = models.PositiveBigIntegerField()
    record_label = models.CharField(max_length=255, blank=True)
    business = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    change = models.CharField(max_length=60)
    seq = models.PositiveIntegerField()
    idempotency_key = models.CharField(max_length=120, unique=True)
    context = models.JSONField(default=dict, blank=True)
    # DOST's hand correction of what is sent, used instead of the mapped payload on replay.
    payload_override = models.JSONField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=SyncState.choices, default=SyncState.WAITING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    hub_ref = models.CharField(max_length=200, blank=True)
    hub_message = models.TextField(blank=True, editable=False)  # the hub's words, as answered
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["hub", "record_type", "record_id", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["hub", "record_type", "record_id", "seq"], name="national_row_order"
            )
        ]
        indexes = [models.Index(fields=["hub", "state", "next_attempt_at"])]

    def __str__(self):
        return f"{self.hub.code} {self.record_type} {self.record_id} #{self.seq}"


class ImportState(models.TextChoices):
    APPLIED = "applied", _("Đã cập nhật")
    CONFLICT = "conflict", _("Khác dữ liệu đã có, chờ xem xét")
    KEPT = "kept", _("Giữ dữ liệu của tỉnh")
    TAKEN = "taken", _("Lấy dữ liệu của ngành")


class SectorRecord(models.Model):
    """One organisation or product sent by a department's own system, and what became of it."""

    source = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("nguồn")
    )
    sent_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=RecordType.choices[:2])
    key = models.CharField(_("mã số thuế / GTIN"), max_length=20)
    data = models.JSONField()
    differences = models.JSONField(default=dict, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=ImportState.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.key}"
