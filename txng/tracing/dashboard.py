"""Figures this app shows on the workspace's front page (accounts.views.home)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from txng.tracing.models import (
    Lot,
    LotStatus,
    RequestState,
    Shipment,
    ShipmentState,
    TracingRequest,
)


def tiles(user):
    requests = TracingRequest.objects.visible_to(user).filter(state=RequestState.OPEN)
    if user.is_authority:
        recalled = Lot.objects.visible_to(user).filter(status=LotStatus.RECALLED)
        return [
            (requests.count(), _("yêu cầu truy xuất chưa trả lời"), reverse("tracing:requests")),
            (recalled.count(), _("lô hàng đang bị thu hồi"), reverse("tracing:recalls")),
        ]
    lots = Lot.objects.visible_to(user).exclude(status__in=[LotStatus.SHIPPED, LotStatus.DESTROYED])
    incoming = Shipment.objects.filter(
        receiver=user.organisation_id, state=ShipmentState.IN_TRANSIT
    )
    return [
        (lots.count(), _("lô hàng còn tồn"), reverse("tracing:lots")),
        (incoming.count(), _("lô hàng chờ bạn xác nhận nhận"), reverse("tracing:incoming")),
        (requests.count(), _("yêu cầu truy xuất cần trả lời"), reverse("tracing:requests")),
    ]
