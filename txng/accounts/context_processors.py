from txng.accounts import provinces
from txng.accounts.models import Notification


def site(request):
    return {"province": provinces.current(), "unread_notifications": _unread(request)}


def _unread(request):
    # A page renders its slots' parts as templates of their own, each with the context
    # processors: the count is read once per request.
    memo = getattr(request, "_unread_notifications", None)
    if memo is not None:
        return memo
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated and user.organisation_id:
        unread = Notification.objects.filter(
            organisation_id=user.organisation_id, read_at__isnull=True
        ).count()
    if request is not None:
        request._unread_notifications = unread
    return unread
