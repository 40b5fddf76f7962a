"""Every change to organisations and users: one transaction, one audit row, effects on commit."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from txng.accounts.activation import send_activation
from txng.accounts.audit_actions import AuditAction
from txng.accounts.models import (
    Notification,
    NotificationKind,
    Organisation,
    OrgKind,
    OrgStatus,
    Role,
    User,
)
from txng.accounts.permissions import can_manage_business, is_dost, is_owner_of, require
from txng.audit.actions import record
from txng.common.locking import lock_for_transition


def _require_reason(reason):
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Cần nêu lý do.")})


def _new_user(organisation, *, username, role, full_name="", email="", phone=""):
    user = User(
        organisation=organisation,
        username=username,
        role=role,
        full_name=full_name,
        email=email,
        phone=phone,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    transaction.on_commit(lambda: send_activation(user))
    return user


@transaction.atomic
def create_authority(
    *, kind, name, short_name="", parent=None, username, full_name="", email="", phone="", actor
):
    """DOST opens a department or commune account, or a sub-unit of a department (Art. 7.2)."""
    require(is_dost(actor))
    org = Organisation(
        kind=kind, name=name, short_name=short_name, parent=parent, email=email, phone=phone
    )
    org.full_clean()
    org.save()
    user = _new_user(
        org, username=username, role=Role.HEAD, full_name=full_name, email=email, phone=phone
    )
    record(actor, AuditAction.CREATE_AUTHORITY, org, changes={"head": [None, user.username]})
    return org


@transaction.atomic
def add_staff(business, *, username, full_name, email="", phone="", actor):
    """A business owner adds a member of staff, who gets an activation link."""
    require(is_owner_of(actor, business))
    user = _new_user(
        business, username=username, role=Role.STAFF, full_name=full_name, email=email, phone=phone
    )
    record(actor, AuditAction.ADD_STAFF, user)
    return user


@transaction.atomic
def add_official(authority, *, username, full_name, email="", phone="", actor):
    """DOST opens one more account for an authority on its written request (Art. 7.2)."""
    require(is_dost(actor) and authority.is_authority)
    user = _new_user(
        authority,
        username=username,
        role=Role.OFFICER,
        full_name=full_name,
        email=email,
        phone=phone,
    )
    record(actor, AuditAction.ADD_OFFICIAL, user)
    return user


@transaction.atomic
def remove_staff(user, *, actor, reason=""):
    """Staff leave: the account is deactivated, never deleted, so history keeps their name."""
    require(is_owner_of(actor, user.organisation) and user.role == Role.STAFF)
    lock_for_transition(
        user, (None,), field="removed_at", message=_("Tài khoản này đã được gỡ trước đó.")
    )
    user.is_active = False
    user.removed_at = timezone.now()
    user.save(update_fields=["is_active", "removed_at"])
    record(
        actor, AuditAction.REMOVE_STAFF, user, changes={"is_active": [True, False]}, reason=reason
    )


def _set_status(org, new_status, *, actor, reason, action, allowed_from):
    require(org.is_business and can_manage_business(actor, org))
    # Of two officials changing the status at once, the second sees the first's change here.
    lock_for_transition(org)
    if org.status not in allowed_from:
        raise ValidationError(
            _("Không thể chuyển tài khoản từ trạng thái “%(old)s” sang “%(new)s”.")
            % {"old": org.get_status_display(), "new": OrgStatus(new_status).label}
        )
    old = org.status
    org.status = new_status
    org.status_reason = reason
    org.save(update_fields=["status", "status_reason", "updated_at"])
    record(actor, action, org, changes={"status": [old, new_status]}, reason=reason)
    notify(
        org,
        _("Tài khoản của cơ sở: %(state)s. Lý do: %(reason)s")
        % {"state": org.get_status_display(), "reason": reason or "—"},
        kind=NotificationKind.ACCOUNT,
    )


@transaction.atomic
def lock_business(org, *, actor, reason):
    """Cao Bằng Art. 12.5, 13.3: lock an account that posts unsuitable information."""
    _require_reason(reason)
    _set_status(
        org,
        OrgStatus.LOCKED,
        actor=actor,
        reason=reason,
        action=AuditAction.LOCK,
        allowed_from=(OrgStatus.ACTIVE,),
    )


@transaction.atomic
def unlock_business(org, *, actor, reason=""):
    _set_status(
        org,
        OrgStatus.ACTIVE,
        actor=actor,
        reason=reason,
        action=AuditAction.UNLOCK,
        allowed_from=(OrgStatus.LOCKED,),
    )


@transaction.atomic
def revoke_business(org, *, actor, reason):
    """Revocation ends participation for good; the organisation and its history stay."""
    _require_reason(reason)
    _set_status(
        org,
        OrgStatus.REVOKED,
        actor=actor,
        reason=reason,
        action=AuditAction.REVOKE,
        allowed_from=(OrgStatus.ACTIVE, OrgStatus.LOCKED),
    )


@transaction.atomic
def resend_activation(user, *, actor, email=None):
    """Send a not yet activated account its link again, to a corrected address when given (the
    first one bounced or was mistyped); the correction is in the audit row."""
    require(
        is_dost(actor)
        or (user.organisation.is_business and can_manage_business(actor, user.organisation))
        or is_owner_of(actor, user.organisation)
    )
    if user.has_usable_password():
        raise ValidationError(
            _("Tài khoản đã được kích hoạt; người dùng đặt lại mật khẩu bằng “Quên mật khẩu”.")
        )
    changes = {}
    email = (email or "").strip()
    if email and email != user.email:
        changes["email"] = [user.email, email]
        user.email = email
        user.full_clean(validate_unique=False)
        user.save(update_fields=["email"])
    if not user.email:
        raise ValidationError({"email": _("Cần có thư điện tử để gửi liên kết kích hoạt.")})
    record(actor, AuditAction.RESEND_ACTIVATION, user, changes=changes)
    transaction.on_commit(lambda: send_activation(user))


@transaction.atomic
def activate_account(set_password_form):
    """The owner of an activation link sets their password (the link then stops working)."""
    user = set_password_form.save()
    record(user, AuditAction.ACTIVATE, user, changes={"password": ["", "(đã đặt)"]})
    return user


def record_password_change(user, *, how):
    """A password set through "forgotten password" or changed while logged in (who and when;
    never the password)."""
    action = AuditAction.PASSWORD_RESET if how == "reset" else AuditAction.PASSWORD_CHANGE
    record(user, action, user, changes={"password": ["", "(đã đổi)"]})


def notify(organisation, message, link="", *, kind=NotificationKind.GENERAL):
    """In-app notice to every user of an organisation (written in the caller's transaction).
    `kind` says what it is about, so each user can choose how that kind reaches them."""
    return Notification.objects.create(
        organisation=organisation, kind=kind, message=message[:500], link=link
    )


def notify_dost(message, link="", *, kind=NotificationKind.GENERAL):
    dost = Organisation.objects.filter(kind=OrgKind.DOST).first()
    if dost:
        notify(dost, message, link, kind=kind)


@transaction.atomic
def mark_notifications_read(user):
    Notification.objects.filter(organisation=user.organisation, read_at__isnull=True).update(
        read_at=timezone.now()
    )
