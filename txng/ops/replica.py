"""Reads of GET requests go to a PostgreSQL streaming replica (DATABASE_REPLICA_URL), except for
a visitor who has just written: their next requests read from the primary for
REPLICA_STICKY_SECONDS, so they see what they wrote even when the replica lags. Tasks, commands
and every write use the primary."""

import time
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

from txng.common.primary import reading_from_primary

# Off outside a request (tasks, commands, migrations): only a safe request turns it on.
replica_allowed: ContextVar[bool] = ContextVar("replica_allowed", default=False)
WROTE_COOKIE = "txng_wrote"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _recently_wrote(request):
    try:
        return time.time() - float(request.COOKIES.get(WROTE_COOKIE, "0")) < (
            settings.REPLICA_STICKY_SECONDS
        )
    except ValueError:
        return False


class ReadYourWritesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        allowed = request.method in SAFE_METHODS and not _recently_wrote(request)
        token = replica_allowed.set(allowed)
        try:
            response = self.get_response(request)
        finally:
            replica_allowed.reset(token)
        if request.method not in SAFE_METHODS:
            # Any unsafe request may have written: the marker says when, not what.
            response.set_cookie(
                WROTE_COOKIE,
                f"{time.time():.0f}",
                max_age=settings.REPLICA_STICKY_SECONDS,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        # Inside a transaction on the primary, reads must see its own uncommitted writes; a
        # cached page rebuilt for a new version must see the commit that moved it.
        if (
            replica_allowed.get()
            and not reading_from_primary()
            and not connections["default"].in_atomic_block
        ):
            return "replica"
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"
