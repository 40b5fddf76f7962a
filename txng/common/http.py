"""Facts about the request itself that every layer may need (common sits below all apps)."""

from django.conf import settings


def client_ip(request):
    # Behind the reverse proxy documented in docs/deploy.md, REMOTE_ADDR is the proxy; the
    # proxy sets X-Real-IP. Only trust it when configured to.
    if getattr(settings, "TRUST_X_REAL_IP", False):
        return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR")
    return request.META.get("REMOTE_ADDR")
