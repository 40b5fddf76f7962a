"""Every change to print orders and stamps: order, approve, reject, download, activate, void."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from txng.accounts.actions import notify, notify_dost
from txng.accounts.models import NotificationKind
from txng.accounts.permissions import is_member, require
from txng.audit.actions import record
from txng.common.locking import lock_for_transition
from txng.common.numbers import count
from txng.stamps.audit_actions import AuditAction
from txng.stamps.models import (
    ORDER_TRANSITIONS,
    ApprovalDelegation,
    OrderState,
    PrintOrder,
    Stamp,
    StampQuota,
    StampState,
    UrlKind,
)

DOWNLOAD_KINDS = ("pdf", "csv", "zip")


def _move(order, action):
    allowed_from, to_state = ORDER_TRANSITIONS[action]
    # Re-read under a row lock: of two officials deciding at once (or a decision and the
    # business's cancellation), the second sees the first's move here and is refused.
    lock_for_transition(order)
    if order.state not in allowed_from:
        raise ValidationError(
            _("Đơn in tem đang ở trạng thái “%(state)s”, không thể thực hiện thao tác này.")
            % {"state": order.get_state_display()}
        )
    from_state = order.state
    order.state = to_state
    return from_state


def _order_url(order):
    return reverse("stamps:order", args=[order.pk])


def yearly_limit(business):
    quota = StampQuota.objects.filter(business=business).first()
    return quota.yearly_limit if quota else settings.STAMP_DEFAULT_YEARLY_QUOTA


def used_this_year(business, *, exclude=None):
    """Stamps ordered this calendar year that count against the quota (approved or waiting)."""
    qs = PrintOrder.objects.filter(
        business=business,
        created_at__year=timezone.localdate().year,
        state__in=[OrderState.SUBMITTED, OrderState.GENERATING, OrderState.READY],
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.aggregate(n=Sum("quantity"))["n"] or 0


def _check_quota(order):
    limit = yearly_limit(order.business)
    used = used_this_year(order.business, exclude=order)
    if used + order.quantity > limit:
        raise ValidationError(
            {
                "quantity": _(
                    "Số lượng tem vượt hạn mức năm của cơ sở: hạn mức %(limit)s, "
                    "đã đặt %(used)s, còn %(left)s."
                )
                % {"limit": count(limit), "used": count(used), "left": count(max(limit - used, 0))}
            }
        )


def _check_product_approved(order):
    """A stamp sends a consumer to the product's page: only a product its managing agency
    approved (and has not taken down) may have stamps printed."""
    from txng.catalog.models import PublicState

    if order.product.state != PublicState.PUBLISHED:
        raise ValidationError(
            {
                "product": _(
                    "Sản phẩm “%(name)s” chưa được cơ quan quản lý duyệt công bố (hoặc đã bị gỡ): "
                    "chỉ in tem cho sản phẩm đã được duyệt."
                )
                % {"name": order.product.name}
            }
        )


def _check_order_fields(order):
    if order.product.business_id != order.business_id:
        raise ValidationError({"product": _("Sản phẩm không thuộc cơ sở của bạn.")})
    _check_product_approved(order)
    if order.lot_id and (
        order.lot.business_id != order.business_id or order.lot.product_id != order.product_id
    ):
        raise ValidationError({"lot": _("Lô hàng phải là lô của chính sản phẩm này.")})
    if order.url_kind == UrlKind.DIGITAL_LINK and not order.product.gtin:
        raise ValidationError(
            {"url_kind": _("Sản phẩm chưa có mã GTIN nên không dùng được GS1 Digital Link.")}
        )


@transaction.atomic
def submit_order(order, *, actor):
    """A business asks for stamps; DOST (or a delegated agency) decides."""
    require(actor.is_authenticated and actor.is_business)
    order.business = actor.organisation
    order.requested_by = actor
    _check_order_fields(order)
    _check_quota(order)
    order.full_clean(exclude=["logo"])
    order.save()
    record(actor, AuditAction.ORDER_SUBMIT, order, changes={"quantity": [None, order.quantity]})
    message = _("Đơn in %(n)s tem mới của %(biz)s") % {
        "n": count(order.quantity),
        "biz": order.business,
    }
    notify_dost(message, _order_url(order), kind=NotificationKind.REVIEW_WAITING)
    for agency in order.business.managers.filter(stamp_delegation__isnull=False):
        notify(agency, message, _order_url(order), kind=NotificationKind.REVIEW_WAITING)
    return order


def can_approve(user, order):
    """DOST, or an agency DOST delegated approval to, for a business it manages."""
    if not (user.is_authenticated and user.is_authority):
        return False
    if user.is_dost:
        return True
    agency = user.organisation.root
    return (
        ApprovalDelegation.objects.filter(agency=agency).exists()
        and order.business.managers.filter(pk=agency.pk).exists()
    )


def can_use(user, order):
    """Members of the ordering business work with its stamps."""
    return is_member(user, order.business)


@transaction.atomic
def approve_order(order, *, actor, note=""):
    require(can_approve(actor, order))
    lock_for_transition(order)
    _check_product_approved(order)
    _check_quota(order)
    from_state = _move(order, "approve")
    order.decided_by = actor
    order.decided_at = timezone.now()
    order.save()
    record(
        actor,
        AuditAction.ORDER_APPROVE,
        order,
        changes={"state": [from_state, order.state]},
        reason=note,
    )
    notify(
        order.business,
        _("Đơn in tem #%(pk)s đã được duyệt.") % {"pk": order.pk},
        _order_url(order),
        kind=NotificationKind.ORDER_DECIDED,
    )
    from txng.stamps.tasks import generate_order

    # The task row lands in the same database: enqueue inside the transaction so an approval
    # never exists without its work queued.
    generate_order.enqueue(order.pk)
    return order


@transaction.atomic
def reject_order(order, *, actor, reason):
    require(can_approve(actor, order))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Lý do: cần nêu lý do từ chối để cơ sở biết.")})
    from_state = _move(order, "reject")
    order.reason = reason.strip()
    order.decided_by = actor
    order.decided_at = timezone.now()
    order.save()
    record(
        actor,
        AuditAction.ORDER_REJECT,
        order,
        changes={"state": [from_state, order.state]},
        reason=order.reason,
    )
    notify(
        order.business,
        _("Đơn in tem #%(pk)s bị từ chối: %(reason)s") % {"pk": order.pk, "reason": order.reason},
        _order_url(order),
        kind=NotificationKind.ORDER_DECIDED,
    )
    return order


@transaction.atomic
def cancel_order(order, *, actor):
    require(can_use(actor, order))
    from_state = _move(order, "cancel")
    order.save()
    record(actor, AuditAction.ORDER_CANCEL, order, changes={"state": [from_state, order.state]})
    return order


@transaction.atomic
def set_quota(business, *, actor, yearly_limit):
    require(actor.is_authenticated and actor.is_dost)
    quota, _created = StampQuota.objects.get_or_create(
        business=business, defaults={"yearly_limit": yearly_limit}
    )
    before = None if _created else quota.yearly_limit
    quota.yearly_limit = yearly_limit
    quota.save()
    record(actor, AuditAction.SET_QUOTA, business, changes={"stamp_quota": [before, yearly_limit]})
    return quota


@transaction.atomic
def delegate_approval(agency, *, actor, granted=True):
    require(actor.is_authenticated and actor.is_dost and agency.is_authority and not agency.is_dost)
    if granted:
        ApprovalDelegation.objects.get_or_create(agency=agency, defaults={"granted_by": actor})
    else:
        ApprovalDelegation.objects.filter(agency=agency).delete()
    record(actor, AuditAction.DELEGATE, agency, changes={"approves_stamp_orders": [None, granted]})


@transaction.atomic
def record_download(order, kind, *, actor):
    """Every download is audited; handing print files over makes the stamps "printed"."""
    require(can_use(actor, order) or actor.is_authenticated and actor.is_dost)
    if kind not in DOWNLOAD_KINDS:
        raise ValidationError(_("Loại tệp không hợp lệ."))
    if order.state != OrderState.READY or not getattr(order, kind):
        raise ValidationError(_("Tệp in chưa sẵn sàng."))
    printed = 0
    if can_use(actor, order):
        printed = order.stamps.filter(state=StampState.GENERATED).update(state=StampState.PRINTED)
    record(
        actor, AuditAction.DOWNLOAD, order, changes={"file": [None, kind], "printed": [0, printed]}
    )
    return getattr(order, kind)


def _range(order, first, last):
    if first < 1 or last > order.quantity or first > last:
        raise ValidationError(
            {
                "first": _(
                    "Số sê-ri đầu/cuối: phải nằm trong 1–%(n)s và số đầu không lớn hơn số cuối."
                )
                % {"n": count(order.quantity)}
            }
        )
    # Changes to one order's stamps queue behind its row lock, so counts checked here hold.
    PrintOrder.objects.select_for_update().filter(pk=order.pk).first()
    return Stamp.objects.filter(order=order, serial__gte=first, serial__lte=last)


def _state_counts(qs):
    return dict(qs.values_list("state").annotate(n=Count("id")).order_by())


@transaction.atomic
def activate_range(order, first, last, lot, *, actor):
    """Bind printed stamps ``first``..``last`` of an order to a lot of the same product."""
    require(can_use(actor, order))
    if order.state != OrderState.READY:
        raise ValidationError(_("Đơn in tem chưa sẵn sàng."))
    if lot.business_id != order.business_id or lot.product_id != order.product_id:
        raise ValidationError(
            {"lot": _("Lô hàng: phải là lô của sản phẩm %(p)s.") % {"p": order.product}}
        )
    stamps = _range(order, first, last)
    counts = _state_counts(stamps)
    wrong = {s: n for s, n in counts.items() if s != StampState.PRINTED}
    if wrong:
        labels = ", ".join(f"{StampState(s).label}: {n}" for s, n in wrong.items())
        raise ValidationError(
            {
                "first": _("Chỉ kích hoạt được tem đã in. Trong khoảng này có: %(labels)s.")
                % {"labels": labels}
            }
        )
    n = stamps.update(state=StampState.ACTIVATED, lot=lot, activated_at=timezone.now())
    record(
        actor,
        AuditAction.ACTIVATE,
        order,
        changes={"serials": [None, f"{first}-{last}"], "lot": [None, lot.pk], "count": [0, n]},
    )
    return n


@transaction.atomic
def void_range(order, first, last, *, actor, reason):
    """Void a lost or spoilt range. Activated stamps are already on goods: only DOST voids them."""
    require(can_use(actor, order) or actor.is_authenticated and actor.is_dost)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Lý do: cần nêu lý do hủy tem.")})
    stamps = _range(order, first, last)
    counts = _state_counts(stamps)
    if counts.get(StampState.ACTIVATED) and not actor.is_dost:
        raise ValidationError(
            {
                "first": _(
                    "Khoảng này có %(n)s tem đã kích hoạt; chỉ Sở KH&CN được hủy tem đã kích hoạt."
                )
                % {"n": count(counts[StampState.ACTIVATED])}
            }
        )
    n = stamps.exclude(state=StampState.VOIDED).update(
        state=StampState.VOIDED, void_reason=reason.strip()
    )
    record(
        actor,
        AuditAction.VOID,
        order,
        changes={"serials": [None, f"{first}-{last}"], "count": [0, n]},
        reason=reason.strip(),
    )
    return n
