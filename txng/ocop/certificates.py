"""The participation certificate (Cao Bằng Art. 11.8): DOST's checklist, issue and revoke.

A certificate's state is read from the business and its products whenever it is shown
(models.Certificate.status), so a locked account or a takedown shows on the verification page
at once; an explicit revocation here adds DOST's own reason."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from txng.accounts.actions import notify
from txng.accounts.models import NotificationKind, Organisation, OrgStatus
from txng.accounts.permissions import is_dost, require
from txng.accounts.provinces import site_url
from txng.audit.actions import record
from txng.catalog import facts
from txng.catalog.models import BusinessProfile, Product, PublicState
from txng.common import business_conditions
from txng.common.locking import lock_for_transition
from txng.ocop.audit_actions import AuditAction
from txng.ocop.models import Certificate, Conditions, add_months
from txng.tracing.models import Lot, Recall

PRODUCT_ITEMS = 6  # the items a product record carries of the ten (catalog.facts)


def complete_products(business):
    """Published products whose record carries all its basic items."""
    qs = Product.objects.filter(business=business, state=PublicState.PUBLISHED).select_related(
        "business", "facility"
    )
    return [p for p in qs if facts.count_items(p) == PRODUCT_ITEMS]


def checklist(business, conditions=None, *, today=None):
    """[(condition, met)] for one business against DOST's conditions."""
    c = conditions or Conditions.current()
    today = today or timezone.localdate()
    rows = [(_("Tài khoản đang hoạt động"), business.status == OrgStatus.ACTIVE)]
    if c.require_profile:
        rows.append(
            (
                _("Hồ sơ cơ sở đã được duyệt"),
                BusinessProfile.objects.filter(
                    business=business, state=PublicState.PUBLISHED
                ).exists(),
            )
        )
    if c.require_product:
        rows.append(
            (
                _("Có sản phẩm đang công bố đủ thông tin cơ bản"),
                bool(complete_products(business)),
            )
        )
    if c.lot_months:
        since = add_months(today, -c.lot_months)
        rows.append(
            (
                _("Có lô hàng ghi nhận trong %(n)d tháng gần nhất") % {"n": c.lot_months},
                Lot.objects.filter(business=business, created_at__date__gte=since).exists(),
            )
        )
    if c.no_open_recall:
        rows.append(
            (
                _("Không có đợt thu hồi đang mở"),
                not Recall.objects.filter(
                    lot_rows__lot__business=business, closed_at__isnull=True
                ).exists(),
            )
        )
    # The conditions of apps ocop does not import (feedback: no open case about the business).
    return rows + business_conditions.rows(business, today)


def is_eligible(business, conditions=None):
    return all(ok for _label, ok in checklist(business, conditions))


def eligible_businesses(conditions=None):
    conditions = conditions or Conditions.current()
    active = Organisation.objects.businesses().filter(status=OrgStatus.ACTIVE)
    return [b for b in active if is_eligible(b, conditions)]


@transaction.atomic
def save_conditions(conditions, *, actor):
    require(is_dost(actor))
    conditions.full_clean()
    conditions.save()
    record(actor, AuditAction.SET_CONDITIONS, conditions)
    return conditions


def _next_number(today):
    count = Certificate.objects.filter(issued_on__year=today.year).count() + 1
    return f"{count:04d}/{today.year}/GXN-TXNG"


@transaction.atomic
def issue(business, *, actor, products=None, signer="", today=None):
    """DOST issues a certificate to an eligible business for its complete published products."""
    require(is_dost(actor))
    today = today or timezone.localdate()
    lock_for_transition(business, field="status")
    missing = [label for label, ok in checklist(business, today=today) if not ok]
    if missing:
        raise ValidationError(
            _("Cơ sở chưa đạt điều kiện: %(list)s.") % {"list": "; ".join(str(m) for m in missing)}
        )
    allowed = {p.pk: p for p in complete_products(business)}
    chosen = [p for p in (products or allowed.values()) if p.pk in allowed]
    if not chosen:
        raise ValidationError({"products": _("Chọn ít nhất một sản phẩm đủ điều kiện.")})
    months = Conditions.current().validity_months
    cert = Certificate.objects.create(
        business=business,
        number=_next_number(today),
        issued_on=today,
        valid_until=add_months(today, months) - timedelta(days=1),
        signer=signer,
    )
    cert.products.set(chosen)
    record(actor, AuditAction.ISSUE_CERTIFICATE, cert, changes={"number": [None, cert.number]})
    notify(
        business,
        _("Cơ sở được cấp Giấy xác nhận tham gia Hệ thống TXNG số %(n)s.") % {"n": cert.number},
        reverse("ocop:my_certificates"),
        kind=NotificationKind.CERTIFICATE,
    )
    return cert


@transaction.atomic
def revoke(cert, *, actor, reason):
    require(is_dost(actor))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Cần nêu lý do thu hồi.")})
    lock_for_transition(cert, (None,), field="revoked_at", message=_("Giấy này đã bị thu hồi."))
    cert.revoked_at = timezone.now()
    cert.revoked_reason = reason.strip()
    cert.save(update_fields=["revoked_at", "revoked_reason"])
    record(actor, AuditAction.REVOKE_CERTIFICATE, cert, reason=reason)
    notify(
        cert.business,
        _("Giấy xác nhận tham gia TXNG số %(n)s bị thu hồi: %(r)s")
        % {"n": cert.number, "r": reason},
        kind=NotificationKind.CERTIFICATE,
    )
    return cert


def verify_url(cert):
    return site_url() + reverse("ocop:verify", args=[cert.code])
