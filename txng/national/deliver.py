"""The worker's loop: send each hub's due rows in order per record, retry with exponential
backoff and jitter, stop a hub's queue while it is down (circuit breaker) and park a row that
keeps failing in the dead letters.

Safe with many worker processes and after `kill -9`: a row is claimed by a conditional UPDATE
with a lease (`claimed_until`), sent outside any transaction, and a row whose worker died is
claimed again once its lease runs out and resent with the same idempotency key, which the hub
uses to recognise it. The breaker's state is on the Hub row, so every process sees it."""

import logging
import os
import random
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from txng.national.adapters import Outcome, for_hub
from txng.national.models import BLOCKING, Hub, OutboxRow, SyncState

logger = logging.getLogger(__name__)


def _setting(name, default):
    """Settings first, then the environment (how the kill test tunes a worker process)."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    return float(value) if value is not None else default


def backoff(attempts):
    """Seconds before the next try: doubling from the base up to the cap, with full jitter in
    its upper half so the rows that failed together do not all come back together."""
    base = _setting("NATIONAL_RETRY_BASE", 30)
    cap = _setting("NATIONAL_RETRY_CAP", 6 * 3600)
    delay = min(cap, base * 2 ** max(attempts - 1, 0))
    return random.uniform(delay / 2, delay)  # noqa: S311 - jitter, not a secret


def lease():
    return timedelta(seconds=_setting("NATIONAL_LEASE", 120))


# Circuit breaker -------------------------------------------------------------------------


def may_send(hub, now):
    """Closed: yes. Open: no until its time is up; then one process (the one whose conditional
    update wins) sends a probe, re-arming the breaker so the others keep waiting."""
    hub.refresh_from_db(fields=["open_until", "failures", "enabled"])
    if not hub.enabled:
        return False
    if hub.open_until is None:
        return True
    if hub.open_until > now:
        return False
    until = now + timedelta(seconds=hub.breaker_cooldown)
    won = Hub.objects.filter(pk=hub.pk, open_until=hub.open_until).update(open_until=until)
    return bool(won)


def _success(hub, now):
    Hub.objects.filter(pk=hub.pk).update(failures=0, open_until=None, last_success_at=now)


def _failure(hub, now, message):
    Hub.objects.filter(pk=hub.pk).update(
        failures=F("failures") + 1, last_failure_at=now, last_error=message[:500]
    )
    hub.refresh_from_db(fields=["failures", "open_until"])
    if hub.failures >= hub.breaker_threshold:
        until = now + timedelta(seconds=hub.breaker_cooldown)
        Hub.objects.filter(pk=hub.pk).filter(
            Q(open_until__isnull=True) | Q(open_until__lt=until)
        ).update(open_until=until)
        return True
    return False


# Rows ------------------------------------------------------------------------------------


def _due(hub, now):
    return OutboxRow.objects.filter(hub=hub).filter(
        Q(state=SyncState.WAITING, next_attempt_at__lte=now)
        | Q(state=SyncState.SENDING, claimed_until__lt=now)
        | Q(state=SyncState.SENT, next_attempt_at__lte=now)
    )


def _blocked(row):
    return OutboxRow.objects.filter(
        hub_id=row.hub_id,
        record_type=row.record_type,
        record_id=row.record_id,
        seq__lt=row.seq,
        state__in=BLOCKING,
    ).exists()


def _claim(row, now):
    """True if this process now owns the row until its lease ends."""
    claimable = Q(state__in=[SyncState.WAITING, SyncState.SENT], next_attempt_at__lte=now) | Q(
        state=SyncState.SENDING, claimed_until__lt=now
    )
    return bool(
        OutboxRow.objects.filter(pk=row.pk)
        .filter(claimable)
        .update(claimed_until=now + lease(), next_attempt_at=now + lease())
    )


def _apply(row, outcome, now):
    fields = {"claimed_until": None, "hub_message": outcome.message}
    if outcome.ref:
        fields["hub_ref"] = outcome.ref
    if outcome.state == "accepted":
        fields.update(state=SyncState.ACCEPTED, accepted_at=now, sent_at=row.sent_at or now)
    elif outcome.state == "sent":
        poll = _setting("NATIONAL_POLL_SECONDS", 60)
        fields.update(
            state=SyncState.SENT,
            sent_at=row.sent_at or now,
            next_attempt_at=now + timedelta(seconds=poll),
        )
    elif outcome.state == "refused":
        fields.update(state=SyncState.REFUSED, sent_at=row.sent_at or now)
    else:
        attempts = row.attempts + 1
        fields["attempts"] = attempts
        if attempts >= row.hub.max_attempts:
            fields["state"] = SyncState.DEAD
        else:
            fields.update(
                state=SyncState.WAITING,
                next_attempt_at=now + timedelta(seconds=backoff(attempts)),
            )
    OutboxRow.objects.filter(pk=row.pk).update(**fields, updated_at=now)
    if fields.get("state") in (SyncState.DEAD, SyncState.REFUSED):
        _tell_dost(row, fields["state"], outcome.message)


def _tell_dost(row, state, message):
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from txng.accounts.actions import notify_dost
    from txng.accounts.models import NotificationKind

    text = _("%(hub)s không nhận %(record)s: %(message)s") % {
        "hub": row.hub.name,
        "record": row.record_label or row.record_type,
        "message": message[:200],
    }
    notify_dost(
        text[:500], reverse("national:row", args=[row.pk]), kind=NotificationKind.HUB_FAILED
    )


def send_row(row, now):
    adapter = for_hub(row.hub)
    if row.state == SyncState.SENT:
        return adapter.check(row.hub, row)
    OutboxRow.objects.filter(pk=row.pk).update(state=SyncState.SENDING)
    try:
        payload = row.payload_override if row.payload_override is not None else adapter.payload(row)
    except Exception as exc:  # noqa: BLE001 - a record that cannot be mapped is a dead letter
        logger.exception("national: cannot map %s", row)
        return Outcome("refused", f"Không tạo được dữ liệu gửi đi: {exc}"[:500])
    return adapter.send(row.hub, row, payload)


def run_hub(hub, *, now=None, limit=200):
    """Send what is due on one hub; returns how many rows were handled."""
    done = 0
    for row in _due(hub, now or timezone.now()).select_related("hub").order_by("seq", "pk")[:limit]:
        now = timezone.now()
        if not may_send(hub, now):
            break
        if _blocked(row) or not _claim(row, now):
            continue
        outcome = send_row(row, now)
        now = timezone.now()
        _apply(row, outcome, now)
        done += 1
        if outcome.state == "failed":
            if _failure(hub, now, outcome.message):
                logger.warning("national: %s is down, its queue waits: %s", hub, outcome.message)
                break
        elif not (row.state == SyncState.SENT and outcome.state == "sent"):
            # A poll that only hears "still working" is no news of the hub being up.
            _success(hub, now)
    return done


def run_once(now=None):
    return sum(run_hub(hub, now=now) for hub in Hub.objects.filter(enabled=True))


def next_wake():
    """When the earliest waiting row of an enabled hub is due, for the task to come back then."""
    row = (
        OutboxRow.objects.filter(
            hub__enabled=True,
            state__in=[SyncState.WAITING, SyncState.SENDING, SyncState.SENT],
        )
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    hub_open = (
        Hub.objects.filter(enabled=True, open_until__isnull=False)
        .order_by("open_until")
        .values_list("open_until", flat=True)
        .first()
    )
    if row is None:
        return None
    return max(row, hub_open) if hub_open and hub_open > row else row
