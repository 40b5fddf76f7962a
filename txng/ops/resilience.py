"""What a request meets while PostgreSQL restarts: a read is tried again, a write is refused
with 503 and Retry-After, never a 500 page.

A query running when PostgreSQL stops (`terminating connection due to administrator command`,
`server closed the connection unexpectedly`) fails, and so does a connection opened after the
bounded wait of txng/ops/postgresql ran out. For a GET or HEAD, which changes nothing a person
asked for (a scan's count is one statement that either committed or did not), RetryReadsMiddleware
runs the request once more on a fresh connection, which waits for the restarted server. A POST
is not run again: it is answered 503 with Retry-After, never as done. Cut inside its
transaction (every action is one atomic block) nothing of it was kept; cut after the commit it
was, so a client that sends it again should carry an Idempotency-Key (txng/pwa), which keeps
a write once however often it is sent. A lost lock race (`deadlock detected`) is the same kind
of error and gets the same answer.
"""

import logging
import sys

import psycopg
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
SAFE_METHODS = ("GET", "HEAD")


# Django's wrappers of what psycopg raises when the server, its connection or a lock wait is
# lost, and psycopg's own: closing a server-side cursor (QuerySet.iterator()) happens outside
# Django's wrapper. A program error (a bad query) is a ProgrammingError or IntegrityError instead.
UNAVAILABLE = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)


def database_unavailable(exc):
    return isinstance(exc, UNAVAILABLE)


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """handler500: an uncaught database outage is a 503 the client may retry, anything else the
    usual 500. Rendered without the request's context processors: they may need the database."""
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        response = HttpResponse(
            _("Hệ thống tạm thời chưa truy cập được cơ sở dữ liệu. Vui lòng thử lại sau ít giây."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response.database_unavailable = True
        return response
    return defaults.server_error(request, template_name)


def _drop_broken_connections():
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.in_atomic_block and not conn.is_usable():
            conn.close()


class RetryReadsMiddleware:
    """A read answered 503 by server_error is run once more on a fresh connection."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in SAFE_METHODS and getattr(response, "database_unavailable", False):
            logger.warning("retrying %s %s after a database outage", request.method, request.path)
            _drop_broken_connections()
            response = self.get_response(request)
        return response
