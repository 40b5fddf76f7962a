"""Lots and their movements. Each function: one transaction, a permission check,
one EPCIS event (the record), the derived stock/links updated beside it, one audit row."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from txng.accounts.actions import notify
from txng.accounts.models import NotificationKind
from txng.accounts.permissions import is_member, require
from txng.audit.actions import record
from txng.common.numbers import quantity as quantity_text
from txng.common.units import unit_label
from txng.tracing import events
from txng.tracing.actions import plausibility
from txng.tracing.audit_actions import AuditAction
from txng.tracing.cache import bump_lots
from txng.tracing.models import (
    DiaryEntry,
    LinkKind,
    Lot,
    LotKind,
    LotLink,
    LotRole,
    LotStatus,
    StageKind,
)

# CBV bizStep for each diary stage; farm stages have no CBV word, so they say "other" and carry
# the stage in the txng:stage extension.
STAGE_BIZ_STEP = {
    # CBV has no harvesting step, and commissioning is the ADD that creates the lot: a harvest
    # recorded on a lot that exists is the gathering of its crop.
    StageKind.HARVEST: "collecting",
    StageKind.PACKING: "packing",
    StageKind.STORING: "storing",
    StageKind.INSPECTING: "inspecting",
}
CLOSED = (LotStatus.RECALLED, LotStatus.DESTROYED)


def _positive(value, field):
    value = Decimal(value)
    if value <= 0:
        raise ValidationError({field: _("Số lượng phải lớn hơn 0.")})
    return value


def _require_member(actor, business):
    require(is_member(actor, business), _("Chỉ cơ sở sở hữu lô hàng mới được ghi nhận."))


def _refuse_closed(lot):
    if lot.status in CLOSED:
        raise ValidationError(
            _("Lô %(code)s đang ở trạng thái “%(state)s”, không thể ghi nhận thêm.")
            % {"code": lot.code, "state": lot.get_status_display()}
        )


def _lock(lot):
    """Re-read the lot under a row lock so concurrent movements cannot oversell it."""
    return Lot.objects.select_for_update().select_related("product").get(pk=lot.pk)


def _apply(lot, **deltas):
    """Add to the stock counters and keep in_stock and status consistent with them."""
    for name, delta in deltas.items():
        setattr(lot, name, getattr(lot, name) + Decimal(delta))
    lot.in_stock = (
        lot.produced
        + lot.received
        + lot.returned
        + lot.adjusted
        - lot.shipped
        - lot.consumed
        - lot.destroyed
    )
    if lot.in_stock < 0:
        raise ValidationError(
            {
                "quantity": _("Lô %(code)s chỉ còn %(left)s %(unit)s trong kho.")
                % {
                    "code": lot.code,
                    "left": quantity_text(_stock_before(lot, deltas)),
                    "unit": unit_label(lot.unit),
                }
            }
        )
    if lot.status not in CLOSED and lot.shipped > 0:
        lot.status = LotStatus.SHIPPED if lot.in_stock == 0 else LotStatus.PARTLY_SHIPPED
    lot.save()
    return lot


def _stock_before(lot, deltas):
    signs = {"shipped": -1, "consumed": -1, "destroyed": -1}
    return lot.in_stock - sum(signs.get(k, 1) * Decimal(v) for k, v in deltas.items())


@transaction.atomic
def create_lot(
    *,
    actor,
    product,
    code,
    quantity,
    unit="kg",
    production_date=None,
    expiry_date=None,
    facility=None,
    process=None,
    kind=LotKind.PRODUCT,
    supplier_name="",
    supplier_lot="",
    origin="",
    time=None,
):
    """A new lot of the actor's business: a commissioning event (or receiving, for a material
    bought off the platform, with its origin)."""
    business = actor.organisation
    _require_member(actor, business)
    require(product.business_id == business.pk or kind != LotKind.PRODUCT)
    if facility is not None and facility.business_id != business.pk:
        raise ValidationError({"facility": _("Địa điểm không thuộc cơ sở của bạn.")})
    if Lot.objects.filter(business=business, product=product, code=code).exists():
        raise ValidationError({"code": _("Số lô này đã có cho sản phẩm này.")})
    quantity = _positive(quantity, "quantity")
    lot = Lot(
        business=business,
        product=product,
        code=code,
        unit=unit,
        production_date=production_date,
        expiry_date=expiry_date,
        facility=facility or product.facility,
        process=process,
        kind=kind,
        supplier_name=supplier_name,
        supplier_lot=supplier_lot,
        origin=origin,
    )
    bought = kind != LotKind.PRODUCT and bool(supplier_name)
    if bought:
        lot.status = LotStatus.RECEIVED
    lot.full_clean(exclude=["trace_code"])
    lot.save()
    time = time or timezone.now()
    ilmd = {}
    if expiry_date:
        ilmd["cbvmda:itemExpirationDate"] = expiry_date.isoformat()
    if production_date:
        ilmd["txng:productionDate"] = production_date.isoformat()
    document = events.build(
        "ObjectEvent",
        time=time,
        action="ADD",
        # CBV: a lot comes into being active (commissioning); bought material arrives to be
        # worked on (receiving, in_progress).
        biz_step="receiving" if bought else "commissioning",
        disposition="in_progress" if bought else "active",
        facility=lot.facility,
        quantities=[(lot, quantity)],
        ilmd=ilmd or None,
        # The supplier's typed name stays on the lot (it may be a person's); not in the event.
        extra={"supplierLot": supplier_lot, "origin": origin},
    )
    title = _("Nhập nguyên liệu") if bought else _("Tạo lô sản xuất")
    detail = _("Nguồn gốc: %(origin)s") % {"origin": origin or supplier_name} if bought else ""
    events.capture(
        document,
        business=business,
        title=title,
        public_detail=detail,
        lots=[(lot, LotRole.SUBJECT, quantity)],
        facility=lot.facility,
        actor=actor,
    )
    _apply(lot, **({"received": quantity} if bought else {"produced": quantity}))
    record(actor, AuditAction.CREATE_LOT, lot, changes={"quantity": [None, quantity]})
    return lot


@transaction.atomic
def finish_lot(lot, *, actor):
    _require_member(actor, lot.business)
    lot = _lock(lot)
    if lot.status != LotStatus.IN_PRODUCTION:
        raise ValidationError(_("Chỉ lô đang sản xuất mới chuyển sang hoàn thành."))
    lot.status = LotStatus.FINISHED
    lot.save(update_fields=["status", "updated_at"])
    record(actor, AuditAction.FINISH_LOT, lot, changes={"status": ["in_production", "finished"]})
    return lot


def _diary_document(lot, *, stage_kind, stage_name, time, facility, quantity, inputs):
    return events.build(
        "ObjectEvent",
        time=time,
        action="OBSERVE",
        biz_step=STAGE_BIZ_STEP.get(stage_kind, "other"),
        disposition="in_progress",
        facility=facility,
        quantities=[(lot, quantity)] if quantity else [(lot, lot.produced or 1)],
        extra={"stage": stage_kind, "stageName": stage_name, **inputs},
    )


@transaction.atomic
def add_diary_entry(
    lot,
    *,
    actor,
    stage_kind,
    stage_name="",
    time=None,
    facility=None,
    person="",
    quantity=None,
    input_name="",
    input_dose="",
    input_supplier_lot="",
    notes="",
    photo=None,
    stage=None,
    corrects=None,
):
    _require_member(actor, lot.business)
    # The lot's lock first, as every other movement of the lot takes it: a shipment holds it while
    # it adds the lot's row to the national outbox, and a diary entry that reached the outbox
    # first deadlocked with it; it also reads a recall or closing made meanwhile.
    lot = _lock(lot)
    _refuse_closed(lot)
    if facility is not None and facility.business_id != lot.business_id:
        raise ValidationError({"facility": _("Địa điểm không thuộc cơ sở của bạn.")})
    stage_name = stage_name or (stage.name if stage else str(StageKind(stage_kind).label))
    time = time or timezone.now()
    if time > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"time": _("Thời gian không được ở tương lai.")})
    plausibility.check_diary_time(lot, stage_kind, time, replacing=corrects)
    facility = facility or lot.facility
    inputs = {"input": input_name, "dose": input_dose, "inputLot": input_supplier_lot}
    document = _diary_document(
        lot,
        stage_kind=stage_kind,
        stage_name=stage_name,
        time=time,
        facility=facility,
        quantity=quantity,
        # Who did the work is kept on the diary entry, never in the immutable event.
        inputs={**inputs, "note": notes},
    )
    event, created = events.capture(
        document,
        business=lot.business,
        title=stage_name,
        public_detail=", ".join(x for x in (input_name, input_dose) if x),
        lots=[(lot, LotRole.SUBJECT, quantity)],
        facility=facility,
        actor=actor,
    )
    if not created:
        return event.diary_entry
    entry = DiaryEntry.objects.create(
        lot=lot,
        stage=stage,
        stage_kind=stage_kind,
        stage_name=stage_name,
        time=time,
        facility=facility,
        person=person,
        quantity=quantity,
        input_name=input_name,
        input_dose=input_dose,
        input_supplier_lot=input_supplier_lot,
        notes=notes,
        photo=photo or "",
        event=event,
        corrects=corrects,
    )
    record(actor, AuditAction.DIARY, lot, changes={"stage": [None, stage_name]})
    return entry


@transaction.atomic
def declare_error(event, *, actor, reason, corrective=()):
    """EPCIS error declaration: a new event copying the wrong one, with the reason and the
    corrected events' IDs. The wrong event stays in the history, marked."""
    _require_member(actor, event.business)
    return record_error_declaration(event, actor=actor, reason=reason, corrective=corrective)


def record_error_declaration(event, *, actor, reason, corrective=()):
    """declare_error without the member check, for the system's own corrections (actor None)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Cần nêu lý do khai báo sai sót.")})
    if event.declares_error_on_id or event.is_retracted:
        raise ValidationError(_("Sự kiện này đã được khai báo sai sót."))
    document = {k: v for k, v in event.document.items() if k not in ("eventID", "recordTime")}
    document["errorDeclaration"] = {
        "declarationTime": events.iso_time(timezone.now()),
        "reason": "incorrect_data",
        "correctiveEventIDs": [e.event_id for e in corrective],
        "txng:reason": reason,
    }
    declaration, _created = events.capture(
        document,
        business=event.business,
        title=_("Khai báo sai sót: %(title)s") % {"title": event.title},
        lots=[(row.lot, row.role, row.quantity) for row in event.lot_rows.all()],
        facility=event.facility,
        actor=actor,
        declares_error_on=event,
    )
    record(actor, AuditAction.DECLARE_ERROR, event, reason=reason, object_type="tracing.event")
    return declaration


@transaction.atomic
def correct_diary_entry(entry, *, actor, reason, **fields):
    """Replace a wrong diary entry: the corrected entry plus an error declaration on the old."""
    values = {
        name: getattr(entry, name)
        for name in (
            "stage_kind",
            "stage_name",
            "time",
            "facility",
            "person",
            "quantity",
            "input_name",
            "input_dose",
            "input_supplier_lot",
            "notes",
        )
    }
    values.update(fields)
    new = add_diary_entry(entry.lot, actor=actor, stage=entry.stage, corrects=entry, **values)
    declare_error(entry.event, actor=actor, reason=reason, corrective=[new.event])
    return new


@transaction.atomic
def transform(*, actor, inputs, outputs, time=None, facility=None, note=""):
    """Inputs consumed, outputs produced (TransformationEvent): every output links to every
    input, so a blended product traces to all its sources. Quantities are (lot, amount)."""
    business = actor.organisation
    _require_member(actor, business)
    if not inputs or not outputs:
        raise ValidationError(_("Cần ít nhất một lô đầu vào và một lô đầu ra."))
    locked_in = []
    for lot, amount in inputs:
        lot = _lock(lot)
        require(lot.business_id == business.pk, _("Lô đầu vào không thuộc cơ sở của bạn."))
        _refuse_closed(lot)
        locked_in.append((lot, _positive(amount, "quantity")))
    locked_out = []
    for lot, amount in outputs:
        lot = _lock(lot)
        require(lot.business_id == business.pk, _("Lô đầu ra không thuộc cơ sở của bạn."))
        if lot.pk in {i.pk for i, _a in locked_in}:
            raise ValidationError(_("Một lô không thể vừa là đầu vào vừa là đầu ra."))
        locked_out.append((lot, _positive(amount, "quantity")))
    time = time or timezone.now()
    document = events.build(
        "TransformationEvent",
        time=time,
        biz_step="commissioning",
        disposition="active",
        facility=facility or locked_out[0][0].facility,
        inputs=locked_in,
        outputs=locked_out,
        extra={"note": note},
    )
    event, created = events.capture(
        document,
        business=business,
        title=_("Chế biến, phối trộn"),
        public_detail=note,
        lots=[(lot, LotRole.INPUT, q) for lot, q in locked_in]
        + [(lot, LotRole.OUTPUT, q) for lot, q in locked_out],
        facility=facility or locked_out[0][0].facility,
        actor=actor,
    )
    if not created:
        return event
    for lot, amount in locked_in:
        _apply(lot, consumed=amount)
    for lot, amount in locked_out:
        _apply(lot, produced=amount)
    LotLink.objects.bulk_create(
        LotLink(parent=i, child=o, kind=LinkKind.TRANSFORM, quantity=qi, event=event)
        for i, qi in locked_in
        for o, _qo in locked_out
    )
    # The bulk insert sends no signals.
    bump_lots([lot.pk for lot, _q in locked_in] + [lot.pk for lot, _q in locked_out])
    record(actor, AuditAction.TRANSFORM, locked_out[0][0], object_type="tracing.lot")
    return event


@transaction.atomic
def destroy(lot, *, actor, quantity, reason, time=None):
    _require_member(actor, lot.business)
    lot = _lock(lot)
    quantity = _positive(quantity, "quantity")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Cần nêu lý do tiêu hủy.")})
    document = events.build(
        "ObjectEvent",
        time=time or timezone.now(),
        action="DELETE",
        biz_step="destroying",
        disposition="destroyed",
        facility=lot.facility,
        quantities=[(lot, quantity)],
        extra={"reason": reason},
    )
    events.capture(
        document,
        business=lot.business,
        title=_("Tiêu hủy"),
        public_detail=reason,
        lots=[(lot, LotRole.SUBJECT, quantity)],
        facility=lot.facility,
        actor=actor,
    )
    _apply(lot, destroyed=quantity)
    if lot.in_stock == 0 and lot.status != LotStatus.RECALLED and lot.shipped == 0:
        lot.status = LotStatus.DESTROYED
        lot.save(update_fields=["status"])
    record(actor, AuditAction.DESTROY, lot, changes={"destroyed": [None, quantity]}, reason=reason)
    return lot


@transaction.atomic
def adjust_stock(lot, *, actor, delta, reason, time=None):
    """A stock count that differs from the books (loss, drying, miscount)."""
    _require_member(actor, lot.business)
    lot = _lock(lot)
    delta = Decimal(delta)
    if delta == 0:
        raise ValidationError({"delta": _("Số điều chỉnh phải khác 0.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Cần nêu lý do điều chỉnh.")})
    document = events.build(
        "ObjectEvent",
        time=time or timezone.now(),
        action="OBSERVE",
        biz_step="cycle_counting",
        facility=lot.facility,
        quantities=[(lot, lot.in_stock + delta)],
        extra={"delta": str(delta), "reason": reason},
    )
    events.capture(
        document,
        business=lot.business,
        title=_("Kiểm kê, điều chỉnh tồn"),
        lots=[(lot, LotRole.SUBJECT, delta)],
        facility=lot.facility,
        actor=actor,
    )
    before = lot.in_stock
    _apply(lot, adjusted=delta)
    changes = {"in_stock": [before, lot.in_stock]}
    record(actor, AuditAction.ADJUST, lot, changes=changes, reason=reason)
    if _large_adjustment(lot, delta):
        message = _(
            "%(biz)s điều chỉnh tồn lô %(code)s %(delta)s %(unit)s (vượt %(pct)s%% lô). "
            "Lý do: %(reason)s"
        ) % {
            "biz": lot.business,
            "code": lot.code,
            "delta": f"{delta.normalize():+f}",
            "unit": lot.unit,
            "pct": settings.STOCK_ADJUST_REASON_PERCENT,
            "reason": reason.strip(),
        }
        for agency in lot.business.managers.all():
            notify(
                agency,
                message,
                reverse("tracing:lot", args=[lot.pk]),
                kind=NotificationKind.STOCK_ALERT,
            )
    return lot


def _large_adjustment(lot, delta):
    """Above STOCK_ADJUST_REASON_PERCENT of what the lot produced or received: more than a
    miscount, so the managing agency hears of it."""
    base = lot.produced + lot.received
    return abs(delta) * 100 > base * settings.STOCK_ADJUST_REASON_PERCENT
