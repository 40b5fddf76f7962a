"""Remember the current request's client IP so actions can audit it without passing it around."""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def client_ip(request):
    # Behind the reverse proxy documented in docs/deploy.md, REMOTE_ADDR is the proxy; the
    # proxy sets X-Real-IP. Only trust it when configured to.
    from django.conf import settings

    if getattr(settings, "TRUST_X_REAL_IP", False):
        return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR")
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
