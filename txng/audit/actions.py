"""Writing audit rows. Every action function in every app calls `record` inside its transaction."""

from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext

from txng.audit import labels
from txng.audit.middleware import current_ip, in_request
from txng.audit.models import AuditEntry

# Functions called with each new AuditEntry inside the writer's transaction: an app above audit
# (national's outbox) hooks every change without the apps below importing it. A listener that
# raises aborts the change, which is the point: its row and the change commit or roll back together.
_LISTENERS = []


def add_listener(fn):
    """Register `fn(entry)`; registering the same function twice keeps one."""
    if fn not in _LISTENERS:
        _LISTENERS.append(fn)


def remove_listener(fn):
    if fn in _LISTENERS:
        _LISTENERS.remove(fn)


def _plain(value):
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # A number, not "120.000": the log page then shows it in the reader's locale.
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "name") and hasattr(value, "url"):  # FieldFile
        return value.name or ""
    return value


def snapshot(obj, fields):
    """Field values of `obj` as JSON-safe data, to diff before and after a change."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before, after):
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def record(actor, action, obj=None, *, changes=None, reason="", object_type=None, keep_ip=True):
    """Append one audit row. `actor` may be None for anonymous applicants and the system.
    `keep_ip=False` for a consumer's anonymous act: the log is never cleared, and their IP is
    kept (hashed) on the record itself only for VISITOR_IP_DAYS.
    `action` is a member of an app's registered AuditAction, never a bare string."""
    if not labels.is_registered(action):
        raise TypeError(f"record() takes an app's AuditAction member, not {action!r}")
    if actor is not None:
        actor_name = str(actor)
    else:
        # An official reads "Hệ thống" for a background job, and a blank (shown as a citizen
        # who did not sign in) only for an anonymous visitor's request.
        actor_name = "" if in_request.get() else gettext("Hệ thống")
    organisation = getattr(actor, "organisation", None) if actor is not None else None
    entry = AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor_name[:255],
        organisation=organisation,
        action=action.value,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        changes={k: [_plain(a), _plain(b)] for k, (a, b) in (changes or {}).items()},
        reason=reason or "",
        ip=current_ip.get() if keep_ip else None,
    )
    for listener in _LISTENERS:
        listener(entry)
    return entry
