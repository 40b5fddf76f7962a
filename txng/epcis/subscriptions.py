"""Stream subscriptions to a named query: after every capture the worker sends each active
subscription the events recorded since its last delivery, signed, and retries a failed
delivery with exponential backoff; after MAX_FAILURES in a row the subscription stops."""

import hashlib
import hmac
import json
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from txng.epcis import output, query
from txng.epcis.models import Subscription

MAX_FAILURES = 8
BATCH = 1000
TIMEOUT = 10


def signature(token, body):
    return hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


def backoff(failures):
    """1, 2, 4 … minutes, at most 4 hours."""
    return timedelta(minutes=min(2 ** (failures - 1), 240))


def _post(url, body, token):
    request = urllib.request.Request(  # noqa: S310 (dest is https, checked on subscribe)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/ld+json",
            "GS1-Signature": signature(token, body),
            "GS1-EPCIS-Version": "2.0.0",
        },
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310 (https only)
        return answer.status


def pending(subscription):
    named = subscription.query
    events = query.apply(
        query.visible_events(named.created_by),
        {k: v if isinstance(v, list) else [v] for k, v in named.query.items()},
    )
    return list(
        events.filter(record_time__gt=subscription.after).order_by("record_time", "pk")[:BATCH]
    )


def deliver(subscription_id):
    """One delivery. Returns None when it was sent (or there was nothing to send, or the
    subscription has stopped), else how long to wait before trying again."""
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("query__created_by")
            .filter(subscription_id=subscription_id, active=True)
            .first()
        )
        if subscription is None:
            return None
        rows = pending(subscription)
        if not rows and not subscription.report_if_empty:
            return None
        body = json.dumps(
            output.query_document(
                output.render(rows, "Never_Translates"),
                query_name=subscription.query.name,
                subscription_id=subscription.subscription_id,
            )
        ).encode()
        try:
            ok = 200 <= _post(subscription.dest, body, subscription.signature_token) < 300
        except OSError:
            ok = False
        if ok:
            if rows:
                subscription.after = rows[-1].record_time
            subscription.last_notified_at = timezone.now()
            subscription.failures = 0
        else:
            subscription.failures += 1
            subscription.active = subscription.failures < MAX_FAILURES
        subscription.save()
    if ok or not subscription.active:
        return None
    return backoff(subscription.failures)


def allowed_destination(url):
    """https only (http too when DEBUG, for a local test receiver)."""
    return url.startswith("https://") or (settings.DEBUG and url.startswith("http://"))
