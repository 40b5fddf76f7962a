"""DOST's front-page tiles: records late on a hub (24 hours, not accepted) and dead letters."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from txng.national.models import SyncState
from txng.national.status import late


def tiles(user):
    if not (user.is_authenticated and user.is_dost):
        return []
    from txng.national.models import OutboxRow

    stuck = OutboxRow.objects.filter(state__in=[SyncState.DEAD, SyncState.REFUSED]).count()
    return [
        (
            late().count(),
            _("bản ghi chưa được hệ thống quốc gia tiếp nhận sau 24 giờ"),
            reverse("national:rows") + "?late=1",
        ),
        (
            stuck,
            _("bản ghi gửi hệ thống quốc gia bị lỗi, chờ xử lý"),
            reverse("national:rows") + "?state=stuck",
        ),
    ]
