"""Remember the current request's client IP so actions can audit it without passing it around."""

from contextvars import ContextVar

from txng.common.http import client_ip

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)
# Whether a web request is being served: an action without an actor outside one is the system's
# (a background job, a command), inside one an anonymous visitor's.
in_request: ContextVar[bool] = ContextVar("in_request", default=False)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        serving = in_request.set(True)
        try:
            return self.get_response(request)
        finally:
            in_request.reset(serving)
            current_ip.reset(token)
