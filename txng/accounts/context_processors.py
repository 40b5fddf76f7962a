from txng.accounts import provinces
from txng.accounts.models import Notification


def site(request):
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated and user.organisation_id:
        unread = Notification.objects.filter(
            organisation_id=user.organisation_id, read_at__isnull=True
        ).count()
    return {"province": provinces.current(), "unread_notifications": unread}
