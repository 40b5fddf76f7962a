"""DOST's acts on the connection: turn hubs on and off, replay or correct dead letters, confirm
hand uploads. Each in one transaction with its audit row."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from txng.accounts.permissions import is_dost, require
from txng.audit.actions import record
from txng.national.audit_actions import AuditAction
from txng.national.models import Hub, OutboxRow, SyncState

HUB_FIELDS = ["name", "url", "token_url", "max_attempts", "breaker_threshold", "breaker_cooldown"]


@transaction.atomic
def save_hub(hub, *, actor, before=None):
    require(is_dost(actor))
    hub.full_clean()
    hub.save()
    changes = {k: [(before or {}).get(k), getattr(hub, k)] for k in HUB_FIELDS}
    record(actor, AuditAction.HUB_SAVE, hub, changes=changes)
    return hub


@transaction.atomic
def set_enabled(hub, enabled, *, actor):
    require(is_dost(actor))
    hub = Hub.objects.select_for_update().get(pk=hub.pk)
    if hub.enabled == enabled:
        return hub
    hub.enabled = enabled
    if enabled:
        hub.failures, hub.open_until = 0, None  # a fresh start, not yesterday's breaker
    hub.save(update_fields=["enabled", "failures", "open_until"])
    record(actor, AuditAction.HUB_TOGGLE, hub, changes={"enabled": [not enabled, enabled]})
    if enabled:
        transaction.on_commit(_wake)
    return hub


def _wake():
    from txng.national.outbox import _wake_worker

    _wake_worker()


REPLAYABLE = (SyncState.DEAD, SyncState.REFUSED)


@transaction.atomic
def replay(row, *, actor, payload=None):
    """Queue a dead or refused row again, fresh attempts, same idempotency key: the hub never
    accepted it, so it is the same delivery. `payload` is DOST's correction, if any."""
    require(is_dost(actor))
    row = OutboxRow.objects.select_for_update().get(pk=row.pk)
    if row.state not in REPLAYABLE:
        raise ValidationError(_("Chỉ gửi lại được bản ghi bị từ chối hoặc gửi không được."))
    old = row.state
    action = AuditAction.REPLAY
    if payload is not None:
        if not isinstance(payload, dict):
            raise ValidationError({"payload": _("Dữ liệu gửi đi phải là một đối tượng JSON.")})
        row.payload_override = payload
        action = AuditAction.FIX
    if old == SyncState.REFUSED:
        # The hub has answered this key with a refusal; a corrected resend is a new delivery.
        row.idempotency_key = f"{row.idempotency_key.split('~')[0]}~{timezone.now():%Y%m%d%H%M%S}"
    row.state, row.attempts, row.next_attempt_at = SyncState.WAITING, 0, timezone.now()
    row.claimed_until = None
    row.save()
    record(actor, action, row, changes={"state": [old, row.state]})
    transaction.on_commit(_wake)
    return row


@transaction.atomic
def mark_uploaded(row, *, actor):
    """A file-export row that DOST has uploaded by hand to the hub, which accepted it."""
    require(is_dost(actor))
    row = OutboxRow.objects.select_for_update().select_related("hub").get(pk=row.pk)
    if row.state != SyncState.SENT or row.hub.adapter != "file":
        raise ValidationError(_("Chỉ xác nhận được tệp đã tạo, chưa được tiếp nhận."))
    row.state, row.accepted_at = SyncState.ACCEPTED, timezone.now()
    row.save(update_fields=["state", "accepted_at", "updated_at"])
    record(actor, AuditAction.MARK_UPLOADED, row, changes={"state": [SyncState.SENT, row.state]})
    return row
