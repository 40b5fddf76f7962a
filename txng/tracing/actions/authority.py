"""Authority work and housekeeping: recalls, tracing requests, retention purge, process
templates, bulk import. Same rules as movements.py: one transaction, a permission check, an
audit row."""

from collections import defaultdict
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from txng.accounts.actions import notify
from txng.accounts.models import NotificationKind
from txng.accounts.permissions import can_manage_business, is_member, require
from txng.audit.actions import record
from txng.common.locking import lock_for_transition
from txng.tracing import events
from txng.tracing.audit_actions import AuditAction
from txng.tracing.cache import bump_trace_version
from txng.tracing.codes import party_uri
from txng.tracing.models import (
    DiaryEntry,
    Event,
    Lot,
    LotLink,
    LotRole,
    LotStatus,
    Recall,
    RecallLot,
    RequestState,
    RetentionPolicy,
    Shipment,
    TracingRequest,
)


def can_recall(user, lot):
    return is_member(user, lot.business) or can_manage_business(user, lot.business)


@transaction.atomic
def recall_lots(lots, *, actor, reason):
    """Mark lots recalled, and every lot downstream of them; notify every on-platform holder."""
    from txng.tracing.queries import trace

    lots = list(lots)
    if not lots:
        raise ValidationError(_("Chọn ít nhất một lô để thu hồi."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Cần nêu lý do thu hồi.")})
    for lot in lots:
        require(can_recall(actor, lot))
    recall = Recall.objects.create(reason=reason, created_by=actor, organisation=actor.organisation)
    named = {lot.pk for lot in lots}
    found = trace(named, direction="forward").lot_ids
    affected = list(Lot.objects.select_for_update().filter(pk__in=found | named))
    RecallLot.objects.bulk_create(
        RecallLot(recall=recall, lot=lot, named=lot.pk in named, previous_status=lot.status)
        for lot in affected
    )
    bump_trace_version()  # the next scan must show the recall
    Lot.objects.filter(pk__in=[lot.pk for lot in affected]).update(status=LotStatus.RECALLED)
    _tell_holders(
        recall,
        affected,
        actor=actor,
        time=timezone.now(),
        disposition="recalled",
        title=_("Thu hồi"),
        notice=_("Thu hồi lô %(codes)s: %(reason)s"),
        reason=reason,
    )
    record(actor, AuditAction.RECALL, recall, reason=reason)
    return recall


def _tell_holders(recall, lots, *, actor, time, disposition, title, notice, reason, extra=None):
    """One EPCIS event per business holding some of `lots` (their stock, in `disposition`), and
    `notice` to each of those businesses but the actor's own."""
    for business in {lot.business for lot in lots}:
        own = [lot for lot in lots if lot.business_id == business.pk]
        document = events.build(
            "ObjectEvent",
            time=time,
            action="OBSERVE",
            biz_step="holding",
            disposition=disposition,
            quantities=[(lot, lot.in_stock) for lot in own],
            # The holder makes each business's event its own: two holders of the same GS1
            # lot with the same stock would otherwise send one event, stored once.
            extra={
                "reason": reason,
                "recall": recall.pk,
                "holder": party_uri(business),
                **(extra or {}),
            },
        )
        events.capture(
            document,
            business=business,
            title=title,
            public_detail=reason,
            lots=[(lot, LotRole.SUBJECT, lot.in_stock) for lot in own],
            actor=actor,
        )
        if business.pk != actor.organisation_id:
            notify(
                business,
                notice % {"codes": ", ".join(lot.code for lot in own), "reason": reason},
                reverse("tracing:recall", args=[recall.pk]),
                kind=NotificationKind.RECALL,
            )


def can_close_recall(user, recall):
    """Only DOST and the organisation that made the recall complete or lift it: an agency that
    merely manages one of the businesses (a commune, say) must not end a department's recall."""
    return recall.is_run_by(user)


def export_recall(recall, *, actor):
    """The recall's spreadsheet (exports.recall_workbook) for someone who may see it; each
    export is audited, as it hands over businesses' contacts."""
    from txng.tracing.exports import recall_workbook
    from txng.tracing.queries import visible_recalls

    require(actor.is_authenticated and visible_recalls(actor).filter(pk=recall.pk).exists())
    data = recall_workbook(recall, actor)
    record(actor, AuditAction.RECALL_EXPORT, recall)
    return data


def _open_recall(recall, actor):
    lock_for_transition(recall)
    require(can_close_recall(actor, recall))
    if recall.closed_at:
        raise ValidationError(_("Đợt thu hồi này đã chấm dứt."))
    return recall


@transaction.atomic
def complete_recall(recall, *, actor, result):
    """Report the recall done (quantities brought back, how they were dealt with). The lots stay
    recalled and the public warning stays: units may still be in consumers' hands."""
    recall = _open_recall(recall, actor)
    if recall.completed_at:
        raise ValidationError(_("Đợt thu hồi này đã được báo cáo hoàn tất."))
    if not (result or "").strip():
        raise ValidationError({"result": _("Cần ghi kết quả thu hồi và cách xử lý.")})
    recall.completed_at = timezone.now()
    recall.result = result.strip()
    recall.save(update_fields=["completed_at", "result"])
    record(actor, AuditAction.RECALL_COMPLETE, recall, reason=recall.result)
    return recall


def _status_before_recall(row):
    """What a lot was before it was recalled: the row's own note, or, when an earlier recall
    already held the lot, that earlier recall's note."""
    if row.previous_status != LotStatus.RECALLED:
        return row.previous_status
    earlier = (
        RecallLot.objects.filter(lot_id=row.lot_id)
        .exclude(previous_status=LotStatus.RECALLED)
        .order_by("recall_id")
        .values_list("previous_status", flat=True)
        .first()
    )
    return earlier or LotStatus.FINISHED


@transaction.atomic
def lift_recall(recall, *, actor, reason):
    """End a recall that should not stand. Each lot goes back to the state it had before, unless
    another open recall still holds it; the warning leaves the public pages on the next scan.
    One EPCIS event per business says so; the recall and its events stay in the history."""
    recall = _open_recall(recall, actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Cần nêu lý do chấm dứt thu hồi.")})
    recall.closed_at = timezone.now()
    recall.close_reason = reason.strip()
    recall.save(update_fields=["closed_at", "close_reason"])
    rows = list(recall.lot_rows.select_related("lot__business", "lot__product"))
    held = set(
        RecallLot.objects.filter(
            lot__in=[row.lot_id for row in rows], recall__closed_at__isnull=True
        ).values_list("lot_id", flat=True)
    )
    freed = [row for row in rows if row.lot_id not in held and row.lot.status == LotStatus.RECALLED]
    back_to = defaultdict(list)  # status -> lots returning to it: one update per status
    for row in freed:
        back_to[_status_before_recall(row)].append(row.lot_id)
    for status, lot_ids in back_to.items():
        Lot.objects.filter(pk__in=lot_ids).update(status=status)
    bump_trace_version()  # the next scan must drop the warning
    _tell_holders(
        recall,
        [row.lot for row in freed],
        actor=actor,
        time=recall.closed_at,
        disposition="in_progress",
        title=_("Đã chấm dứt thu hồi"),
        notice=_("Chấm dứt thu hồi lô %(codes)s: %(reason)s"),
        reason=recall.close_reason,
        extra={"recallLifted": True},
    )
    record(actor, AuditAction.RECALL_LIFT, recall, reason=recall.close_reason)
    return recall


def add_working_days(start, days):
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


@transaction.atomic
def open_tracing_request(*, actor, business, subject, reason, lot=None, deadline=None):
    require(can_manage_business(actor, business))
    if lot is not None and lot.business_id != business.pk:
        raise ValidationError({"lot": _("Lô không thuộc cơ sở được yêu cầu.")})
    if not subject.strip() or not reason.strip():
        raise ValidationError({"reason": _("Cần nêu sản phẩm/lô và nội dung yêu cầu.")})
    today = timezone.localdate()
    deadline = deadline or add_working_days(today, 5)
    if deadline < today:
        raise ValidationError({"deadline": _("Hạn trả lời không được ở quá khứ.")})
    request = TracingRequest.objects.create(
        authority=actor.organisation.root,
        business=business,
        subject=subject,
        lot=lot,
        reason=reason,
        deadline=deadline,
        created_by=actor,
    )
    record(actor, AuditAction.REQUEST, request, reason=reason)
    notify(
        business,
        _("Yêu cầu truy xuất: %(s)s, hạn %(d)s")
        % {"s": subject, "d": deadline.strftime("%d/%m/%Y")},
        reverse("tracing:request", args=[request.pk]),
        kind=NotificationKind.TRACING_REQUEST,
    )
    return request


@transaction.atomic
def answer_tracing_request(request, *, actor, comment=""):
    """The business answers with the trace generated from the records, and its comment."""
    from txng.tracing.queries import trace_report

    require(is_member(actor, request.business))
    lock_for_transition(request, (RequestState.OPEN,), message=_("Yêu cầu này đã được trả lời."))
    lots = (
        [request.lot]
        if request.lot
        else list(Lot.objects.filter(business=request.business, code=request.subject.strip()))
    )
    request.result = trace_report(lots)
    request.comment = comment
    request.state = RequestState.ANSWERED
    request.answered_at = timezone.now()
    request.save()
    record(actor, AuditAction.ANSWER, request)
    notify(
        request.authority,
        _("%(biz)s đã trả lời yêu cầu truy xuất: %(s)s")
        % {"biz": request.business, "s": request.subject},
        reverse("tracing:request", args=[request.pk]),
        kind=NotificationKind.TRACING_REQUEST,
    )
    return request


@transaction.atomic
def set_retention_policy(category, *, months_after_expiry, minimum_months, actor):
    """How long lot records are kept: for `category`'s products, or by default (None)."""
    require(actor.is_authenticated and actor.is_dost)
    policy = RetentionPolicy.objects.filter(category=category).first() or RetentionPolicy(
        category=category
    )
    before = [policy.months_after_expiry, policy.minimum_months] if policy.pk else [None, None]
    policy.months_after_expiry, policy.minimum_months = months_after_expiry, minimum_months
    policy.full_clean()
    policy.save()
    record(
        actor,
        AuditAction.RETENTION,
        policy,
        changes={
            "months_after_expiry": [before[0], months_after_expiry],
            "minimum_months": [before[1], minimum_months],
        },
    )
    return policy


@transaction.atomic
def clear_retention_policy(category, *, actor):
    """`category`'s products go back to the default retention."""
    require(actor.is_authenticated and actor.is_dost)
    policy = RetentionPolicy.objects.filter(category=category).first()
    if category is None or policy is None:
        raise ValidationError(_("Danh mục này đang theo thời hạn mặc định."))
    record(actor, AuditAction.RETENTION_CLEAR, policy)
    policy.delete()


@transaction.atomic
def purge_lot(lot, *, actor):
    """Remove a lot's records once its retention period is over; never before."""
    require(actor.is_authenticated and actor.is_dost)
    lock_for_transition(lot)  # no movement may land on a lot while its records are removed
    until = lot.retain_until()
    if timezone.localdate() <= until:
        raise ValidationError(
            _("Hồ sơ lô %(code)s phải lưu đến %(d)s, chưa được xóa.")
            % {"code": lot.code, "d": until.strftime("%d/%m/%Y")}
        )
    if LotLink.objects.filter(parent=lot).exists() or LotLink.objects.filter(child=lot).exists():
        raise ValidationError(_("Lô còn liên kết với lô khác trong chuỗi, không xóa được."))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL txng.purge = 'on'")
    record(actor, AuditAction.PURGE, lot)
    event_ids = list(lot.event_rows.values_list("event_id", flat=True))
    DiaryEntry.objects.filter(lot=lot).delete()
    Shipment.objects.filter(lot=lot).delete()
    RecallLot.objects.filter(lot=lot).delete()
    lot.event_rows.all().delete()
    Event._base_manager.filter(pk__in=event_ids, lot_rows__isnull=True).delete()
    lot.delete()


@transaction.atomic
def create_process(*, actor, name, stages, description="", published=False, category=None):
    """A business writes its own process; an authority writes (and may publish) a standard one."""
    from txng.tracing.models import ProcessTemplate, Stage

    require(actor.is_authenticated and actor.organisation_id is not None)
    if published:
        require(actor.is_authority, _("Chỉ cơ quan quản lý công bố quy trình mẫu."))
    if not stages:
        raise ValidationError({"stages": _("Cần ít nhất một công đoạn.")})
    template = ProcessTemplate.objects.create(
        owner=actor.organisation.root if actor.is_authority else actor.organisation,
        name=name,
        description=description,
        published=published,
        category=category,
    )
    Stage.objects.bulk_create(
        Stage(template=template, order=n, name=stage_name, kind=kind)
        for n, (stage_name, kind) in enumerate(stages, start=1)
    )
    record(actor, AuditAction.PROCESS, template)
    return template
