"""Every change to a case: one transaction, a permission check, one audit row, one step in the
case's history; mail to the reporter goes through the task worker after commit.

The linked actions (tracing request, recall, takedown, account lock) call the owning app's own
action, so its checks, audit row and notices are exactly those of the page it has elsewhere; the
case keeps a step pointing at what was done."""

from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from txng.accounts.actions import notify
from txng.accounts.models import NotificationKind, Organisation, OrgKind
from txng.accounts.permissions import is_dost, is_member, require
from txng.audit.actions import record
from txng.common.locking import lock_for_transition
from txng.feedback.audit_actions import AuditAction
from txng.feedback.models import OPEN_STATES, Case, CaseEvent, CaseKind, CaseState, CaseStep
from txng.tracing.actions.authority import add_working_days


def _require(text, field="reason", message=None):
    if not (text or "").strip():
        raise ValidationError({field: message or _("Cần nêu lý do.")})
    return text.strip()


def deadline_for(kind, start=None):
    days = settings.FEEDBACK_CASE_DEADLINE_DAYS.get(str(kind), 15)
    return add_working_days(start or timezone.localdate(), days)


def route(business, kind):
    """The agency that handles a case: the business's managing agency (a commune before a
    department: it is nearer), DOST for stamps and when the business is unknown."""
    dost = Organisation.objects.filter(kind=OrgKind.DOST).first()
    if business is None or kind == CaseKind.FAKE_STAMP:
        return dost
    managers = list(business.managers.all())
    managers.sort(key=lambda org: (org.kind != OrgKind.COMMUNE, org.pk))
    return managers[0] if managers else dost


def _can_handle(user, case):
    return Case.objects.manage_rule(user).filter(pk=case.pk).exists()


def _step(case, step, *, actor=None, note="", link=""):
    return CaseEvent.objects.create(case=case, step=step, actor=actor, note=note, link=link)


def _tell_agency(case, message, kind=NotificationKind.CASE_UPDATED):
    notify(case.agency, message, reverse("feedback:case", args=[case.pk]), kind=kind)


def _mail_reporter(case, what):
    from txng.feedback.tasks import mail_reporter

    if case.reporter_email:
        transaction.on_commit(partial(mail_reporter.enqueue, case.pk, what))


@transaction.atomic
def file_case(
    *,
    kind,
    description,
    business=None,
    product=None,
    stamp_code="",
    where="",
    photo=None,
    reporter_name="",
    reporter_email="",
    reporter_phone="",
    contact_shared=False,
    actor=None,
    ip_hash="",
    fake_report=None,
    language="",
):
    """Anyone files a case (an official's own finding needs an official). It goes to its
    agency's queue with the deadline for its kind."""
    description = _require(description, "description", _("Hãy mô tả điều bạn phản ánh."))
    if kind == CaseKind.FINDING:
        require(actor is not None and actor.is_authenticated and actor.is_authority)
    if product is not None and business is None:
        business = product.business
    if product is not None and product.business_id != business.pk:
        raise ValidationError({"product": _("Sản phẩm không thuộc cơ sở bị phản ánh.")})
    agency = route(business, kind)
    if agency is None:
        raise ValidationError(_("Chưa có cơ quan tiếp nhận phản ánh."))
    if (
        kind == CaseKind.FINDING
        and business is not None
        and not actor.is_dost
        and business.can_be_managed_by(actor.organisation)
    ):
        agency = actor.organisation.root  # the official's own finding stays with their agency
    case = Case(
        kind=kind,
        agency=agency,
        business=business,
        product=product,
        stamp_code=stamp_code,
        description=description,
        where=where,
        reporter_name=reporter_name,
        reporter_email=reporter_email,
        reporter_phone=reporter_phone,
        contact_shared=contact_shared,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        ip_hash=ip_hash,
        fake_report=fake_report,
        language=language or get_language() or "",
        deadline=deadline_for(kind),
    )
    if photo:
        case.photo = photo
    case.full_clean(exclude=["photo", "agency", "business", "product", "fake_report"])
    case.save()
    _step(case, CaseStep.RECEIVED, actor=case.created_by)
    record(case.created_by, AuditAction.CASE_FILE, case, keep_ip=case.created_by is not None)
    _tell_agency(
        case,
        _("Phản ánh mới %(code)s: %(kind)s, hạn xử lý %(date)s")
        % {
            "code": case.code,
            "kind": case.get_kind_display(),
            "date": case.deadline.strftime("%d/%m/%Y"),
        },
        NotificationKind.CASE_ASSIGNED,
    )
    _mail_reporter(case, "received")
    return case


def _handle(case, actor):
    """Lock the case for a change by an official who handles it, and move a received case to
    being handled: any act on it means someone has taken it up."""
    require(_can_handle(actor, case))
    lock_for_transition(
        case, OPEN_STATES, message=_("Phản ánh đã kết thúc (%(state)s), không thể thay đổi.")
    )
    if case.state == CaseState.RECEIVED:
        case.state = CaseState.HANDLING
        case.save(update_fields=["state"])
        return True
    return False


@transaction.atomic
def start_handling(case, *, actor, note=""):
    require(_can_handle(actor, case))
    lock_for_transition(case, (CaseState.RECEIVED,))
    case.state = CaseState.HANDLING
    case.save(update_fields=["state"])
    _step(case, CaseStep.HANDLING, actor=actor, note=note.strip())
    record(actor, AuditAction.CASE_HANDLE, case, reason=note)
    _mail_reporter(case, "handling")
    return case


@transaction.atomic
def reassign(case, *, actor, agency, reason):
    """DOST gives a case to another agency (the business's other manager, a department)."""
    require(is_dost(actor), _("Chỉ Sở Khoa học và Công nghệ chuyển được cơ quan xử lý."))
    reason = _require(reason)
    lock_for_transition(case, OPEN_STATES)
    if not agency.is_authority:
        raise ValidationError({"agency": _("Chọn một cơ quan quản lý.")})
    agency = agency.root
    if case.business is not None and not case.business.can_be_managed_by(agency):
        raise ValidationError({"agency": _("Cơ quan này không quản lý cơ sở bị phản ánh.")})
    before = case.agency
    case.agency = agency
    case.save(update_fields=["agency"])
    _step(case, CaseStep.REASSIGNED, actor=actor, note=f"{before} → {agency}: {reason}")
    record(
        actor, AuditAction.CASE_REASSIGN, case, changes={"agency": [before, agency]}, reason=reason
    )
    _tell_agency(
        case,
        _("Phản ánh %(code)s được chuyển tới đơn vị xử lý") % {"code": case.code},
        NotificationKind.CASE_ASSIGNED,
    )
    return case


@transaction.atomic
def ask_business(case, *, actor, question):
    """The official asks the business to explain; the business answers in its workspace and sees
    the case's content, never the reporter's contact unless the reporter agreed."""
    question = _require(question, "question", _("Cần nêu nội dung yêu cầu giải trình."))
    if case.business is None:
        raise ValidationError(_("Phản ánh chưa gắn với cơ sở nào."))
    _handle(case, actor)
    case.question, case.explanation_asked_at = question, timezone.now()
    case.explanation, case.explained_at = "", None
    case.save(update_fields=["question", "explanation_asked_at", "explanation", "explained_at"])
    _step(case, CaseStep.ASKED, actor=actor, note=question)
    record(actor, AuditAction.CASE_ASK, case, reason=question)
    notify(
        case.business,
        _("Cơ quan quản lý yêu cầu giải trình phản ánh %(code)s") % {"code": case.code},
        reverse("feedback:case", args=[case.pk]),
        kind=NotificationKind.CASE_UPDATED,
    )
    return case


@transaction.atomic
def explain(case, *, actor, explanation):
    require(is_member(actor, case.business) and case.explanation_asked_at is not None)
    explanation = _require(explanation, "explanation", _("Hãy nhập nội dung giải trình."))
    lock_for_transition(case, OPEN_STATES)
    case.explanation, case.explained_at = explanation, timezone.now()
    case.save(update_fields=["explanation", "explained_at"])
    _step(case, CaseStep.EXPLAINED, actor=actor, note=explanation)
    record(actor, AuditAction.CASE_EXPLAIN, case)
    _tell_agency(case, _("Cơ sở đã giải trình phản ánh %(code)s") % {"code": case.code})
    return case


def _close(case, *, actor, state, step, action, text, field):
    text = _require(text, field)
    _handle(case, actor)
    case.state, case.outcome, case.closed_at = state, text, timezone.now()
    case.save(update_fields=["state", "outcome", "closed_at"])
    _step(case, step, actor=actor, note=text)
    record(actor, action, case, changes={"state": [CaseState.HANDLING, state]}, reason=text)
    if case.business is not None and case.explanation_asked_at is not None:
        notify(
            case.business,
            _("Phản ánh %(code)s: %(state)s")
            % {"code": case.code, "state": case.get_state_display()},
            reverse("feedback:case", args=[case.pk]),
            kind=NotificationKind.CASE_UPDATED,
        )
    _mail_reporter(case, state)
    return case


@transaction.atomic
def resolve(case, *, actor, outcome):
    return _close(
        case,
        actor=actor,
        state=CaseState.RESOLVED,
        step=CaseStep.RESOLVED,
        action=AuditAction.CASE_RESOLVE,
        text=outcome,
        field="outcome",
    )


@transaction.atomic
def dismiss(case, *, actor, reason):
    return _close(
        case,
        actor=actor,
        state=CaseState.DISMISSED,
        step=CaseStep.DISMISSED,
        action=AuditAction.CASE_DISMISS,
        text=reason,
        field="reason",
    )


# Linked actions: the owning app's action, then a step on the case pointing at it.


def _linked(case, actor, step, note, link=""):
    _step(case, step, actor=actor, note=note, link=link)
    record(actor, AuditAction.CASE_LINK, case, reason=f"{CaseStep(step).label}: {note}")


@transaction.atomic
def open_tracing_request(case, *, actor, reason, lot=None):
    from txng.tracing.actions.authority import open_tracing_request as open_request

    if case.business is None:
        raise ValidationError(_("Phản ánh chưa gắn với cơ sở nào."))
    _handle(case, actor)
    subject = case.product.name if case.product else _("Phản ánh %(code)s") % {"code": case.code}
    request = open_request(
        actor=actor, business=case.business, subject=subject, reason=reason, lot=lot
    )
    case.tracing_request = request
    case.save(update_fields=["tracing_request"])
    _linked(
        case, actor, CaseStep.TRACING_REQUEST, reason, reverse("tracing:request", args=[request.pk])
    )
    return request


@transaction.atomic
def recall(case, *, actor, lots, reason):
    from txng.tracing.actions.authority import recall_lots

    _handle(case, actor)
    lots = list(lots)
    if case.business is not None and any(lot.business_id != case.business_id for lot in lots):
        raise ValidationError({"lots": _("Chỉ chọn lô của cơ sở bị phản ánh.")})
    result = recall_lots(lots, actor=actor, reason=reason)
    case.recall = result
    case.save(update_fields=["recall"])
    _linked(case, actor, CaseStep.RECALL, reason, reverse("tracing:recall", args=[result.pk]))
    return result


@transaction.atomic
def take_down(case, *, actor, reason):
    """Take down the product concerned, or the business's page when no product is named."""
    from txng.catalog.actions import take_down_product, take_down_profile

    if case.business is None:
        raise ValidationError(_("Phản ánh chưa gắn với cơ sở nào."))
    _handle(case, actor)
    if case.product is not None:
        take_down_product(case.product, actor=actor, reason=reason)
    else:
        take_down_profile(case.business, actor=actor, reason=reason)
    _linked(case, actor, CaseStep.TAKE_DOWN, reason)
    return case


@transaction.atomic
def lock_account(case, *, actor, reason):
    from txng.accounts.actions import lock_business

    if case.business is None:
        raise ValidationError(_("Phản ánh chưa gắn với cơ sở nào."))
    _handle(case, actor)
    lock_business(case.business, actor=actor, reason=reason)
    _linked(case, actor, CaseStep.LOCK, reason)
    return case
