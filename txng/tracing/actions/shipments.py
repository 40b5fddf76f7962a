"""Shipments between businesses: shipping a lot (on a labelled carton or pallet when it has an
SSCC), the receiver's confirmation into a lot of its own, and returned goods. Same rules as
movements.py: one transaction, a permission check, one EPCIS event, the stock and links updated
beside it, one audit row."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from txng.accounts.actions import notify
from txng.accounts.models import NotificationKind
from txng.accounts.permissions import is_member, require
from txng.audit.actions import record
from txng.catalog.identifiers import validate_sscc
from txng.common.codes import random_code
from txng.common.numbers import quantity as quantity_text
from txng.common.units import unit_label
from txng.tracing import events
from txng.tracing.actions import plausibility
from txng.tracing.actions.movements import (
    _apply,
    _lock,
    _positive,
    _refuse_closed,
    _require_member,
)
from txng.tracing.audit_actions import AuditAction
from txng.tracing.codes import (
    biz_transaction_uri,
    normalise_sscc,
    offline_party_uri,
    sscc_uri,
)
from txng.tracing.models import (
    LinkKind,
    Lot,
    LotLink,
    LotRole,
    LotStatus,
    Shipment,
    ShipmentState,
)


@transaction.atomic
def ship(
    lot,
    *,
    actor,
    quantity,
    shipped_at=None,
    receiver=None,
    receiver_name="",
    receiver_address="",
    transporter="",
    invoice_no="",
    delivery_note_no="",
    sscc="",
):
    """Goods leave: an ObjectEvent (shipping). With an SSCC, the lot is first packed onto that
    logistic unit (an AggregationEvent ADD, parent the SSCC) and the shipping event names it."""
    _require_member(actor, lot.business)
    lot = _lock(lot)
    _refuse_closed(lot)
    quantity = _positive(quantity, "quantity")
    if receiver is None and not receiver_name.strip():
        raise ValidationError({"receiver_name": _("Cần chọn bên nhận hoặc ghi tên bên nhận.")})
    if receiver is not None and (receiver.pk == lot.business_id or not receiver.is_business):
        raise ValidationError({"receiver": _("Bên nhận phải là một cơ sở khác.")})
    shipped_at = shipped_at or timezone.now()
    plausibility.check_after_start(lot, shipped_at, "shipped_at")
    receiver_name = receiver_name if receiver is None else receiver.name
    sscc = _check_sscc(sscc, lot.business, receiver, receiver_name, shipped_at)
    if sscc:
        _aggregate("ADD", sscc, lot, quantity, lot=lot, time=shipped_at, actor=actor)
    transactions = [("inv", invoice_no), ("desadv", delivery_note_no)]
    # A receiver outside the system is named in the event by an opaque ref; its typed name
    # stays in the shipment row, which can be corrected or erased.
    receiver_ref = "" if receiver is not None else random_code(10)
    document = events.build(
        "ObjectEvent",
        time=shipped_at,
        action="OBSERVE",
        epcs=[sscc_uri(sscc)] if sscc else (),
        biz_step="shipping",
        disposition="in_transit",
        facility=lot.facility,
        quantities=[(lot, quantity)],
        sources=[lot.business],
        destinations=[receiver or offline_party_uri(receiver_ref)],
        biz_transactions=[
            (k, biz_transaction_uri(lot.business, k, n)) for k, n in transactions if n
        ],
        extra={"transporter": transporter},
    )
    event, created = events.capture(
        document,
        business=lot.business,
        title=_("Xuất hàng"),
        lots=[(lot, LotRole.SUBJECT, quantity)],
        facility=lot.facility,
        actor=actor,
    )
    if not created:
        raise ValidationError(_("Phiếu xuất này đã được ghi nhận."))
    _apply(lot, shipped=quantity)
    shipment = Shipment.objects.create(
        lot=lot,
        quantity=quantity,
        shipped_at=shipped_at,
        receiver=receiver,
        receiver_name=receiver_name,
        receiver_ref=receiver_ref,
        receiver_address=receiver_address,
        transporter=transporter,
        invoice_no=invoice_no,
        delivery_note_no=delivery_note_no,
        sscc=sscc,
        state=ShipmentState.IN_TRANSIT if receiver else ShipmentState.DELIVERED,
        ship_event=event,
    )
    record(actor, AuditAction.SHIP, lot, changes={"shipped": [None, quantity]})
    if receiver is not None:
        notify(
            receiver,
            _("%(biz)s gửi %(q)s %(unit)s %(product)s, chờ xác nhận nhận hàng.")
            % {
                "biz": lot.business,
                "q": quantity_text(quantity),
                "unit": unit_label(lot.unit),
                "product": lot.product,
            },
            reverse("tracing:incoming"),
            kind=NotificationKind.SHIPMENT_WAITING,
        )
    return shipment


def _check_sscc(sscc, business, receiver, receiver_name, shipped_at):
    """The SSCC, checked: valid, and not already the label of a unit going elsewhere. One logistic
    unit may carry several lots (one shipment each) from one business to one receiver; once it
    has been received, or for an off-platform receiver once its day has passed, its code is not
    used again (GS1 General Specifications: no reuse of an SSCC within a year)."""
    sscc = normalise_sscc(sscc)
    if not sscc:
        return ""
    try:
        validate_sscc(sscc)
    except ValidationError as exc:
        raise ValidationError({"sscc": exc.messages}) from exc
    for other in Shipment.objects.filter(sscc=sscc).select_related("lot"):
        if other.lot.business_id != business.pk:
            message = _("Mã SSCC %(sscc)s đã được một cơ sở khác dùng.")
        elif other.receiver_id != (receiver.pk if receiver else None) or (
            receiver is None
            and other.receiver_name.strip().lower() != receiver_name.strip().lower()
        ):
            message = _(
                "Mã SSCC %(sscc)s đã dùng cho hàng gửi %(to)s; mỗi thùng/pallet cần một mã riêng."
            )
        elif other.state == ShipmentState.RECEIVED or (
            other.receiver_id is None
            and timezone.localdate(other.shipped_at) != timezone.localdate(shipped_at)
        ):
            message = _("Mã SSCC %(sscc)s đã dùng cho một lần giao trước; không dùng lại mã SSCC.")
        else:
            continue
        raise ValidationError({"sscc": message % {"sscc": sscc, "to": other.receiver_name}})
    return sscc


def _aggregate(action, sscc, goods, quantity, *, lot, time, actor):
    """Pack (ADD) `quantity` of `goods` (a lot, whose label class the event names) onto the
    logistic unit `sscc`, or unpack it (DELETE); recorded on `lot`, by its business, at its
    facility (the receiver unpacks the producer's goods into its own lot)."""
    packing = action == "ADD"
    document = events.build(
        "AggregationEvent",
        time=time,
        parent=sscc_uri(sscc),
        action=action,
        biz_step="packing" if packing else "unpacking",
        disposition="in_progress",
        facility=lot.facility,
        children=[(goods, quantity)],
    )
    if packing:
        title = _("Đóng lên thùng/pallet SSCC %(sscc)s")
    else:
        title = _("Dỡ thùng/pallet SSCC %(sscc)s")
    events.capture(
        document,
        business=lot.business,
        title=title % {"sscc": sscc},
        lots=[(lot, LotRole.SUBJECT, quantity)],
        facility=lot.facility,
        actor=actor,
    )


def _free_code(business, product, code):
    candidate, n = code, 1
    while Lot.objects.filter(business=business, product=product, code=candidate).exists():
        n += 1
        candidate = f"{code[:16]}-{n}"
    return candidate


@transaction.atomic
def confirm_receipt(shipment, *, actor, received_quantity, note="", facility=None, time=None):
    """The receiver confirms: its incoming lot is created and linked to the source lot. Goods
    that came on a logistic unit (SSCC) are unpacked from it into that lot."""
    shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
    require(
        shipment.receiver_id is not None and is_member(actor, shipment.receiver),
        _("Chỉ bên nhận mới xác nhận được."),
    )
    if shipment.state != ShipmentState.IN_TRANSIT:
        raise ValidationError(_("Lô hàng này đã được xác nhận."))
    received_quantity = _positive(received_quantity, "received_quantity")
    if received_quantity > shipment.quantity:
        # Goods do not grow on the road; a larger figure would mint stock out of nothing.
        raise ValidationError(
            {
                "received_quantity": _(
                    "Số lượng thực nhận (%(got)s) không được lớn hơn số lượng đã xuất "
                    "(%(sent)s %(unit)s)."
                )
                % {
                    "got": f"{received_quantity.normalize():f}",
                    "sent": f"{shipment.quantity.normalize():f}",
                    "unit": shipment.lot.unit,
                }
            }
        )
    if received_quantity != shipment.quantity and not note.strip():
        raise ValidationError(
            {"receipt_note": _("Số lượng nhận khác số lượng xuất: cần ghi rõ lý do chênh lệch.")}
        )
    source = shipment.lot
    business = shipment.receiver
    if facility is not None and facility.business_id != business.pk:
        raise ValidationError({"facility": _("Địa điểm không thuộc cơ sở của bạn.")})
    lot = Lot(
        business=business,
        product=source.product,
        code=_free_code(business, source.product, source.code),
        unit=source.unit,
        production_date=source.production_date,
        expiry_date=source.expiry_date,
        facility=facility or business.facilities.order_by("pk").first(),
        kind=source.kind,
        status=LotStatus.RECEIVED,
        # The label printed by the producer: a GTIN product's lot keeps the producer's code.
        # Goods back at their producer make a producer lot again, whose code must be unique
        # among the producer's lots: product_trace_code makes one from its free lot code.
        trace_code=(
            source.trace_code
            if source.product.gtin and business.pk != source.product.business_id
            else ""
        ),
    )
    lot.save()
    time = time or timezone.now()
    document = events.build(
        "ObjectEvent",
        time=time,
        action="OBSERVE",
        epcs=[sscc_uri(shipment.sscc)] if shipment.sscc else (),
        biz_step="receiving",
        disposition="in_progress",
        facility=lot.facility,
        quantities=[(source, received_quantity)],
        sources=[source.business],
        destinations=[business],
        biz_transactions=[
            (k, biz_transaction_uri(source.business, k, n))
            for k, n in [("inv", shipment.invoice_no), ("desadv", shipment.delivery_note_no)]
            if n
        ],
        extra={
            "receivedLot": lot.trace_code,
            "difference": str(received_quantity - shipment.quantity),
            "note": note.strip(),
        },
    )
    event, _c = events.capture(
        document,
        business=business,
        title=_("Nhận hàng"),
        public_detail=_("Nhận từ %(biz)s") % {"biz": source.business},
        lots=[(lot, LotRole.OUTPUT, received_quantity), (source, LotRole.INPUT, received_quantity)],
        facility=lot.facility,
        actor=actor,
    )
    if shipment.sscc:
        _aggregate(
            "DELETE", shipment.sscc, source, received_quantity, lot=lot, time=time, actor=actor
        )
    _apply(lot, received=received_quantity)
    LotLink.objects.create(
        parent=source, child=lot, kind=LinkKind.SHIPMENT, quantity=received_quantity, event=event
    )
    shipment.state = ShipmentState.RECEIVED
    shipment.received_quantity = received_quantity
    shipment.received_at = time
    shipment.received_lot = lot
    shipment.receipt_note = note
    shipment.receive_event = event
    shipment.save()
    record(
        actor,
        AuditAction.RECEIVE,
        lot,
        changes={"received": [shipment.quantity, received_quantity]},
        reason=note,
    )
    notify(
        source.business,
        _("%(biz)s đã xác nhận nhận %(q)s %(unit)s lô %(code)s.")
        % {
            "biz": business,
            "q": quantity_text(received_quantity),
            "unit": unit_label(lot.unit),
            "code": source.code,
        },
        reverse("tracing:lot", args=[source.pk]),
        kind=NotificationKind.SHIPMENT_UPDATED,
    )
    return lot


@transaction.atomic
def return_goods(shipment, *, actor, quantity, reason, time=None):
    """Goods come back to the shipper. On the platform the receiver sends them back from its lot;
    off the platform the shipper records what came back."""
    shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
    source = _lock(shipment.lot)
    quantity = _positive(quantity, "quantity")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Cần nêu lý do trả hàng.")})
    if shipment.state == ShipmentState.RECEIVED:
        holder = _lock(shipment.received_lot)
        require(is_member(actor, holder.business), _("Chỉ bên đã nhận hàng mới trả lại được."))
    else:
        holder = None
        require(is_member(actor, source.business))
    limit = (shipment.received_quantity or shipment.quantity) - shipment.returned_quantity
    if quantity > limit:
        raise ValidationError(
            {
                "quantity": _("Chỉ có thể trả tối đa %(n)s.")
                % {"n": quantity_text(limit, source.unit)}
            }
        )
    time = time or timezone.now()
    document = events.build(
        "ObjectEvent",
        time=time,
        action="OBSERVE",
        biz_step="receiving",
        disposition="returned",
        facility=source.facility,
        quantities=[(source, quantity)],
        sources=[holder.business] if holder else [],
        destinations=[source.business],
        extra={"reason": reason},
    )
    rows = [(source, LotRole.OUTPUT, quantity)]
    if holder:
        rows.append((holder, LotRole.INPUT, quantity))
    events.capture(
        document,
        business=holder.business if holder else source.business,
        title=_("Trả lại hàng"),
        lots=rows,
        facility=source.facility,
        actor=actor,
    )
    if holder:
        _apply(holder, shipped=quantity)
    _apply(source, returned=quantity)
    if source.status == LotStatus.SHIPPED and source.in_stock > 0:
        source.status = LotStatus.PARTLY_SHIPPED
        source.save(update_fields=["status"])
    Shipment.objects.filter(pk=shipment.pk).update(
        returned_quantity=F("returned_quantity") + quantity
    )
    record(actor, AuditAction.RETURN, source, changes={"returned": [None, quantity]}, reason=reason)
    if holder:
        notify(
            source.business,
            _("%(biz)s trả lại %(q)s %(unit)s lô %(code)s: %(reason)s")
            % {
                "biz": holder.business,
                "q": quantity_text(quantity),
                "unit": unit_label(source.unit),
                "code": source.code,
                "reason": reason,
            },
            reverse("tracing:lot", args=[source.pk]),
            kind=NotificationKind.SHIPMENT_UPDATED,
        )
    return source
