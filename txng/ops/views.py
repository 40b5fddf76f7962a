"""The DOST status page: what an operator checks first when something seems wrong."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.shortcuts import render
from django.utils.translation import gettext as _

from txng.accounts.permissions import role_required
from txng.common.partitions import partitions
from txng.ops.metrics import database_figures


def _timed(check):
    started = time.monotonic()
    try:
        detail = check()
    except Exception as exc:  # noqa: BLE001 - the page reports any failure, it must not fail
        return {"ok": False, "detail": type(exc).__name__, "ms": None}
    return {"ok": True, "detail": detail, "ms": round((time.monotonic() - started) * 1000, 1)}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        return cursor.fetchone()[0].split(" on ")[0]


def _cache():
    cache.set("ops:status", "ok", 10)
    return cache.get("ops:status")


def _replica():
    with connections["replica"].cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)"
        )
        return _("trễ %(s).1f giây") % {"s": float(cursor.fetchone()[0])}


@role_required("dost")
def status(request):
    checks = [(_("Cơ sở dữ liệu"), _timed(_database)), (_("Bộ nhớ đệm"), _timed(_cache))]
    if "replica" in settings.DATABASES:
        checks.append((_("Bản sao đọc"), _timed(_replica)))
    postgresql = connection.vendor == "postgresql"
    return render(
        request,
        "ops/status.html",
        {
            "checks": checks,
            "figures": database_figures(),
            "partitions": partitions("stamps_scan") if postgresql else [],
            "event_partitions": partitions("tracing_event") if postgresql else [],
        },
    )
