"""Figures this app shows on the workspace's front page (accounts.views.home)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from txng.stamps.models import OrderState, PrintOrder, Scan, Signal


def tiles(user):
    orders = PrintOrder.objects.visible_to(user)
    signals = Signal.objects.visible_to(user)
    week = timezone.now() - timedelta(days=7)
    scans = Scan.objects.filter(at__gte=week)
    if not user.is_dost:
        scans = scans.filter(business=user.organisation_id) if user.is_business else scans.none()
    result = [(signals.count(), _("cảnh báo tem giả"), reverse("stamps:scans"))]
    if user.is_authority:
        pending = orders.filter(state=OrderState.SUBMITTED).count()
        result.insert(0, (pending, _("đơn in tem chờ duyệt"), reverse("stamps:orders")))
    if user.is_business or user.is_dost:
        result.append((scans.count(), _("lượt quét tem trong 7 ngày"), reverse("stamps:scans")))
    return result
