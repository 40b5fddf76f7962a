"""API keys: made, rotated and revoked by a business owner or an authority head.

A key is shown once; only its SHA-256 is stored. `txng_<prefix>_<secret>`: the prefix finds the
row, the hash proves the key (compared in constant time).
"""

import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from txng.accounts.models import Role
from txng.accounts.permissions import require
from txng.audit.actions import record
from txng.epcis.audit_actions import AuditAction
from txng.epcis.models import ApiKey, Scope

MAX_ACTIVE_KEYS = 20


def may_manage_keys(user):
    """A business owner, or the head of an authority."""
    return bool(
        user.is_authenticated
        and user.organisation_id
        and user.is_active
        and (user.is_owner or (user.is_authority and user.role == Role.HEAD))
    )


def _digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


def _new_secret():
    prefix = secrets.token_hex(4)
    return prefix, f"txng_{prefix}_{secrets.token_urlsafe(32)}"


def _clean_scopes(scopes, organisation):
    scopes = sorted(set(scopes or ()))
    if not scopes or not set(scopes) <= set(Scope.values):
        raise ValidationError({"scopes": _("Chọn ít nhất một quyền hợp lệ.")})
    if Scope.CAPTURE in scopes and not organisation.is_business:
        raise ValidationError({"scopes": _("Chỉ cơ sở mới gửi được sự kiện của mình.")})
    if Scope.SECTOR in scopes and not organisation.is_authority:
        raise ValidationError({"scopes": _("Chỉ cơ quan quản lý mới gửi được dữ liệu ngành.")})
    return scopes


@transaction.atomic
def create_key(*, actor, name, scopes):
    """A new key; returns (key row, the key in clear, shown once)."""
    require(may_manage_keys(actor))
    organisation = actor.organisation
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Hãy đặt tên cho khóa.")})
    scopes = _clean_scopes(scopes, organisation)
    active = ApiKey.objects.filter(organisation=organisation, revoked_at__isnull=True)
    if active.count() >= MAX_ACTIVE_KEYS:
        raise ValidationError(_("Đã có quá nhiều khóa đang dùng; hãy thu hồi khóa cũ."))
    prefix, clear = _new_secret()
    key = ApiKey.objects.create(
        organisation=organisation,
        created_by=actor,
        name=name[:100],
        scopes=scopes,
        prefix=prefix,
        key_hash=_digest(clear),
    )
    record(actor, AuditAction.KEY_CREATE, key, changes={"scopes": [None, scopes]})
    return key, clear


def _own_active_key(actor, key):
    require(may_manage_keys(actor) and key.organisation_id == actor.organisation_id)
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        raise ValidationError(_("Khóa này đã bị thu hồi."))
    return key


@transaction.atomic
def revoke_key(key, *, actor):
    key = _own_active_key(actor, key)
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    record(actor, AuditAction.KEY_REVOKE, key)
    return key


@transaction.atomic
def rotate_key(key, *, actor):
    """A new secret with the same name and scopes; the old key stops at once."""
    key = _own_active_key(actor, key)
    prefix, clear = _new_secret()
    new = ApiKey.objects.create(
        organisation=key.organisation,
        created_by=actor,
        name=key.name,
        scopes=key.scopes,
        prefix=prefix,
        key_hash=_digest(clear),
    )
    key.revoked_at = timezone.now()
    key.replaced_by = new
    key.save(update_fields=["revoked_at", "replaced_by"])
    record(actor, AuditAction.KEY_ROTATE, new, changes={"replaces": [None, key.prefix]})
    return new, clear


def key_for(clear):
    """The active key row for a key in clear, or None."""
    parts = (clear or "").split("_", 2)
    if len(parts) != 3 or parts[0] != "txng" or len(clear) > 100:
        return None
    # The prefix is unique: no ordering, and the maker's organisation is the key's (checked
    # below), so one join less. Compiling this query is half of a query request's CPU.
    rows = ApiKey.objects.select_related("organisation", "created_by").order_by()
    key = next(iter(rows.filter(prefix=parts[1], revoked_at__isnull=True)[:1]), None)
    if key is None or not hmac.compare_digest(key.key_hash, _digest(clear)):
        return None
    user = key.created_by
    if not user.is_active or user.organisation_id != key.organisation_id:
        return None
    user.organisation = key.organisation  # the same row, already read
    if not key.organisation.is_active:
        return None
    return key


# Counted and read back in one statement; last_used_at moves once a minute, not per request.
_COUNT_USE = """
UPDATE {table} SET
  use_count = CASE WHEN use_minute = %(minute)s THEN use_count + 1 ELSE 1 END,
  last_used_at = CASE WHEN use_minute = %(minute)s THEN last_used_at ELSE %(now)s END,
  use_minute = %(minute)s
WHERE id = %(key)s
RETURNING use_count
"""


def count_use(key, *, limit):
    """Count one request of `key` in the current minute and remember when it was last used, in
    one UPDATE of its row (atomic: parallel requests cannot slip past the limit, and every
    worker and host counts in the same place); True when this request is over `limit`. Only
    for a key already proven by `key_for`, so that nobody can use up another's limit."""
    now = timezone.now()
    params = {"minute": int(now.timestamp() // 60), "now": now, "key": key.pk}
    with connection.cursor() as cursor:
        cursor.execute(
            _COUNT_USE.format(table=connection.ops.quote_name(ApiKey._meta.db_table)), params
        )
        row = cursor.fetchone()
    return row is not None and row[0] > limit
