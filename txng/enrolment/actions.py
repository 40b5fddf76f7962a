"""Registration and its review: submit, ask for a supplement, resubmit, approve, reject."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from txng.accounts import provinces
from txng.accounts.actions import _new_user, notify, notify_dost
from txng.accounts.models import NotificationKind, Organisation, OrgKind, Role
from txng.accounts.permissions import require
from txng.audit.actions import record
from txng.common.locking import lock_for_transition
from txng.enrolment.audit_actions import AuditAction
from txng.enrolment.models import (
    APPLICANT_FIELDS,
    CONSENT_REQUIRED,
    TRANSITIONS,
    Dossier,
    DossierEvent,
    DossierState,
)


def _state_message():
    return _("Hồ sơ đang ở trạng thái “%(state)s”, không thể thực hiện thao tác này.")


def _lock(dossier, action):
    """Lock the dossier's row and re-read it, so that of two reviewers deciding at the same
    moment the second sees the first one's decision and is refused (txng/common/locking.py)."""
    lock_for_transition(dossier, TRANSITIONS[action][0], message=_state_message())


def _move(dossier, action, *, actor, message=""):
    """Apply one transition of the review state machine, refusing illegal moves."""
    allowed_from, to_state = TRANSITIONS[action]
    if dossier.state not in allowed_from:
        raise ValidationError(_state_message() % {"state": dossier.get_state_display()})
    from_state = dossier.state
    dossier.state = to_state
    DossierEvent.objects.create(
        dossier=dossier,
        from_state=from_state,
        to_state=to_state,
        actor=actor if actor and actor.pk else None,
        actor_name=str(actor) if actor else dossier.representative,
        message=message,
    )
    return from_state


def _tax_code_taken(tax_code):
    """A business with this tax code already has an account: say who to ask about it.

    Only an account blocks: a dossier still under review does not, or anyone who typed a
    business's (public) tax code first would keep the real business out. Reviewers see
    dossiers with the same code side by side (dossiers_with_same_tax_code)."""
    business = Organisation.objects.filter(kind=OrgKind.BUSINESS, tax_code=tax_code).first()
    if business is None:
        return None
    contacts = list(business.managers.filter(parent__isnull=True)) or list(
        Organisation.objects.filter(kind=OrgKind.DOST)
    )
    return _(
        "Mã số thuế %(code)s đã có tài khoản trên hệ thống. Nếu đây là cơ sở của bạn mà bạn "
        "chưa nhận được tài khoản, hoặc có người khác đã đăng ký thay, hãy liên hệ %(contacts)s."
    ) % {"code": tax_code, "contacts": "; ".join(_contact_line(org) for org in contacts)}


def _contact_line(org):
    reach = " – ".join(x for x in (org.phone, org.email) if x)
    return f"{org.name} ({reach})" if reach else org.name


def dossiers_with_same_tax_code(dossier, user):
    """The other dossiers with this dossier's tax code, for the reviewer to compare: those the
    reviewer may open in full, and how many others went to other agencies."""
    others = Dossier.objects.filter(tax_code=dossier.tax_code).exclude(pk=dossier.pk)
    visible = list(
        others.visible_to(user).select_related("addressed_to", "commune").order_by("submitted_at")
    )
    elsewhere = list(
        others.exclude(pk__in=[d.pk for d in visible])
        .select_related("addressed_to")
        .order_by("submitted_at")
    )
    return {"visible": visible, "elsewhere": elsewhere}


def _status_url(dossier):
    return reverse("enrolment:status", args=[dossier.tracking_code])


def _mail_applicant(dossier, subject, body):
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [dossier.email])
    )


def _require_consent(dossier):
    if not dossier.privacy_consent:
        raise ValidationError({"privacy_consent": CONSENT_REQUIRED})


@transaction.atomic
def submit_dossier(dossier):
    """A new application from the public form (no account yet, so no actor)."""
    problem = _tax_code_taken(dossier.tax_code)
    if problem:
        raise ValidationError({"tax_code": problem})
    if not dossier.commitment:
        raise ValidationError({"commitment": _("Cần đánh dấu cam kết để nộp hồ sơ.")})
    _require_consent(dossier)
    require(dossier.addressed_to.is_authority and dossier.addressed_to.parent_id is None)
    if dossier.addressed_to.is_dost and not provinces.current().dossiers_to_dost:
        raise ValidationError(
            {"addressed_to": _("Hồ sơ nộp cho cơ quan trực tiếp quản lý cơ sở, không nộp cho Sở.")}
        )
    dossier.full_clean()
    dossier.save()
    DossierEvent.objects.create(
        dossier=dossier, to_state=DossierState.SUBMITTED, actor_name=dossier.representative
    )
    record(None, AuditAction.SUBMIT, dossier)
    notify(
        dossier.addressed_to,
        _("Hồ sơ đăng ký mới: %(name)s") % {"name": dossier.name},
        reverse("enrolment:detail", args=[dossier.pk]),
        kind=NotificationKind.REVIEW_WAITING,
    )
    return dossier


def can_review(user, dossier):
    """DOST reviews any dossier; an agency reviews those addressed to it."""
    if not (user.is_authenticated and user.is_authority):
        return False
    org = user.organisation.root
    return org.kind == OrgKind.DOST or dossier.addressed_to_id == org.pk


def _review(dossier, action, *, actor, message, audit_action):
    require(can_review(actor, dossier))
    _lock(dossier, action)
    if action != "approve" and not (message or "").strip():
        raise ValidationError({"reason": _("Cần nêu lý do để cơ sở biết cần làm gì.")})
    from_state = _move(dossier, action, actor=actor, message=message)
    dossier.reviewer_message = message
    dossier.save()
    record(
        actor, audit_action, dossier, changes={"state": [from_state, dossier.state]}, reason=message
    )


@transaction.atomic
def ask_supplement(dossier, *, actor, reason):
    _review(
        dossier,
        "ask_supplement",
        actor=actor,
        message=reason,
        audit_action=AuditAction.ASK_SUPPLEMENT,
    )
    _mail_applicant(
        dossier,
        _("Hồ sơ đăng ký cần bổ sung"),
        _("Hồ sơ %(code)s cần bổ sung: %(reason)s\nXem và sửa hồ sơ tại: %(url)s")
        % {"code": dossier.tracking_code, "reason": reason, "url": _status_url(dossier)},
    )


@transaction.atomic
def reject_dossier(dossier, *, actor, reason):
    _review(dossier, "reject", actor=actor, message=reason, audit_action=AuditAction.REJECT)
    _mail_applicant(
        dossier,
        _("Hồ sơ đăng ký bị từ chối"),
        _("Hồ sơ %(code)s bị từ chối. Lý do: %(reason)s")
        % {"code": dossier.tracking_code, "reason": reason},
    )


@transaction.atomic
def resubmit_dossier(dossier, *, changes, licence=None):
    """The applicant edits the same dossier through its tracking link and sends it back."""
    _lock(dossier, "resubmit")  # before the changes are applied: the re-read would drop them
    if "tax_code" in changes:
        problem = _tax_code_taken(changes["tax_code"])
        if problem:
            raise ValidationError({"tax_code": problem})
    if changes.get("privacy_consent"):
        dossier.privacy_consent = True
    _require_consent(dossier)
    before = {f: getattr(dossier, f) for f in APPLICANT_FIELDS}
    for field in APPLICANT_FIELDS:
        if field in changes:
            setattr(dossier, field, changes[field])
    if licence is not None:
        dossier.licence = licence
    _move(dossier, "resubmit", actor=None, message=changes.get("note", ""))
    dossier.full_clean()
    dossier.save()
    diff = {
        f: [str(before[f]), str(getattr(dossier, f))]
        for f in APPLICANT_FIELDS
        if before[f] != getattr(dossier, f)
    }
    if licence is not None:
        diff["licence"] = ["", dossier.licence.name]
    record(None, AuditAction.RESUBMIT, dossier, changes=diff)
    notify(
        dossier.addressed_to,
        _("Hồ sơ đã bổ sung: %(name)s") % {"name": dossier.name},
        reverse("enrolment:detail", args=[dossier.pk]),
        kind=NotificationKind.REVIEW_WAITING,
    )


@transaction.atomic
def approve_dossier(dossier, *, actor, note=""):
    """Create the business and its owner account, send the activation link, tell the other side
    (DOST when an agency approved; the managing agencies when DOST approved directly)."""
    require(can_review(actor, dossier))
    _lock(dossier, "approve")
    problem = _tax_code_taken(dossier.tax_code)
    if problem:
        raise ValidationError({"tax_code": problem})
    _move(dossier, "approve", actor=actor, message=note)
    business = Organisation(
        kind=OrgKind.BUSINESS,
        name=dossier.name,
        business_type=dossier.business_type,
        tax_code=dossier.tax_code,
        address=dossier.address,
        commune=dossier.commune,
        phone=dossier.phone,
        email=dossier.email,
        representative=dossier.representative,
    )
    business.full_clean()
    business.save()
    managers = {dossier.commune}
    if dossier.addressed_to.kind != OrgKind.DOST:
        managers.add(dossier.addressed_to)
    business.managers.set(managers)
    owner = _new_user(
        business,
        username=dossier.tax_code,
        role=Role.OWNER,
        full_name=dossier.representative,
        email=dossier.email,
        phone=dossier.phone,
    )
    dossier.business = business
    dossier.reviewer_message = note
    dossier.save()
    record(
        actor,
        AuditAction.APPROVE,
        dossier,
        reason=note,
        changes={
            "state": [DossierState.SUBMITTED, DossierState.APPROVED],
            "business": [None, business.pk],
            "owner": [None, owner.username],
        },
    )
    link = reverse("enrolment:detail", args=[dossier.pk])
    message = _("%(agency)s đã duyệt hồ sơ và cấp tài khoản cho %(name)s") % {
        "agency": actor.organisation.name,
        "name": business.name,
    }
    if actor.organisation.kind == OrgKind.DOST:
        for agency in managers:
            notify(agency, message, link, kind=NotificationKind.DOSSIER_DECIDED)
    else:
        notify_dost(message, link, kind=NotificationKind.DOSSIER_DECIDED)
    return business
