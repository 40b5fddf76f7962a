"""Figures about the connection: each hub's queue and last success, and the records a hub has
not accepted within 24 hours of their change (the draft decree's "within 24 hours")."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from txng.national.models import Hub, OutboxRow, SyncState

LATE_AFTER = timedelta(hours=24)
QUEUED = [SyncState.WAITING, SyncState.SENDING, SyncState.SENT]


def hubs_with_counts():
    return Hub.objects.annotate(
        queue=Count("rows", filter=Q(rows__state__in=QUEUED)),
        dead=Count("rows", filter=Q(rows__state__in=[SyncState.DEAD, SyncState.REFUSED])),
    )


def late(now=None):
    """Rows not accepted 24 hours after their change, on hubs still turned on."""
    cutoff = (now or timezone.now()) - LATE_AFTER
    return OutboxRow.objects.filter(hub__enabled=True, created_at__lt=cutoff).exclude(
        state=SyncState.ACCEPTED
    )


def health():
    hubs = list(hubs_with_counts().filter(enabled=True))
    if not hubs:
        return {}
    return {
        "hubs": {
            h.code: {
                "queue": h.queue,
                "dead": h.dead,
                "last_success": h.last_success_at.isoformat() if h.last_success_at else None,
                "breaker": "open" if h.open_until and h.open_until > timezone.now() else "closed",
            }
            for h in hubs
        }
    }
