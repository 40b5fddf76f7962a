"""Per-request cost of the hot public pages, in one process, through the full middleware stack.

Starts a throwaway PostgreSQL (unless DATABASE_URL is set) and a Redis (the production cache;
--cache db for the database cache), loads the demo's data, and calls Django's WSGI handler
directly (DEBUG off, production settings, no server, no network) for each page in turn:

    .venv/bin/python bench/pages.py [--requests 300] [--cache redis|db] [--profile DIR]
                                    [--diary N] [--cold]

The pages are those of bench/load.py's mix: a consumer's (scan, product, search, home, the
public trace page, the trace API), the lot page as the lot's business owner sees it before
writing a diary entry or a shipment, and the print-order queue and one order as a DOST official
(signed in, second factor given). The business's lot is the one the load's writers write to
(scripts/prodcheck/seed.py); --diary N first adds N diary entries to it, as a load run does
(four writes a second), since that lot's pages list its whole history. Public pages are kept in
the shared cache until what they show changes: --cold empties the cache before every request, so
each figure is that of a page rendered again (as after a write to what it shows).

Prints, per page, the median and p90 wall milliseconds per request, the CPU milliseconds per
request of this process and of PostgreSQL's processes (read from /proc: on a shared machine the
wall times carry other people's load, the CPU times much less), the database queries per
request, and the same for a bare view that returns "ok" (the floor every request pays: the
middlewares and the handler). --profile DIR writes a cProfile file per page
(read it with `python -m pstats`). The bench's own overhead (building the WSGI environ, reading
the body) is in every figure, the bare view's too, so compare a page with the bare view.
"""

import argparse
import cProfile
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(ROOT / "bench"))

from pg import temp_cluster  # noqa: E402
from scan import start_redis  # noqa: E402

SETTINGS = """
from txng.settings import *  # noqa: F403
ROOT_URLCONF = "pages_bench_urls"
LOGGING = {"version": 1, "disable_existing_loggers": True}
"""
URLS = """
from django.http import HttpResponse
from django.urls import path

import txng.urls


def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), *txng.urls.urlpatterns]
"""
PHONE = "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 Chrome/126.0 Mobile"


def environ(path, query="", cookie=""):
    extra = {"HTTP_COOKIE": cookie} if cookie else {}
    return {
        **extra,
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_USER_AGENT": PHONE,
        "HTTP_ACCEPT_LANGUAGE": "vi",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def signed_in(user, device=False):
    """The Cookie header of a session of `user` (with the second factor given when `device`),
    made as Django's test client makes one."""
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if device:
        totp, _ = TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "authenticator"}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp.persistent_id
        session.save()
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def writers_lot():
    """The business owner and the lot bench/load.py's writers use (scripts/prodcheck/seed.py)."""
    from txng.accounts.models import User
    from txng.stamps.models import PrintOrder

    owner = User.objects.get(username="business2")
    order = PrintOrder.objects.filter(business=owner.organisation, lot__isnull=False).first()
    return owner, order.lot


def add_diary(n):
    """N diary entries on the writers' lot, as many as a load run of n / 4 seconds adds."""
    from txng.tracing import actions

    owner, lot = writers_lot()
    for i in range(n):
        actions.add_diary_entry(lot, actor=owner, stage_kind="care", stage_name=f"bench-{i}")


def pages():
    """(name, list of (path, query, cookie)) for each page; several targets spread like real
    visits."""
    from txng.accounts.models import User
    from txng.catalog.models import Product
    from txng.stamps.models import PrintOrder, Stamp, StampState
    from txng.tracing.models import Lot

    products = list(Product.objects.published().order_by("pk")[:20])
    stamps = list(
        Stamp.objects.filter(state=StampState.ACTIVATED, lot__isnull=False)
        .order_by("pk")
        .values_list("code", flat=True)[:2000]
    )
    lots = [c for c in Lot.objects.exclude(trace_code="").values_list("trace_code", flat=True)]
    owner, lot = writers_lot()
    business = signed_in(owner)
    dost = signed_in(User.objects.get(username="dost"), device=True)
    orders = list(PrintOrder.objects.order_by("pk").values_list("pk", flat=True)[:10])
    pages = [
        ("bare view", [("/bench/bare/", "")]),
        ("scan /q/<code>", [(f"/q/{c}", "") for c in stamps]),
        ("product", [(p.get_absolute_url(), "") for p in products]),
        (
            "search",
            [("/search/", urlencode({"q": q})) for q in ("hạt dẻ", "miến", "chè", "mật ong")],
        ),
        ("home", [("/", "")]),
        ("trace", [(f"/truy-xuat/{c}/", "") for c in lots[:20]]),
        ("trace API", [(f"/api/v1/trace/{c}", "depth=2") for c in lots[:20]]),
        ("writers' trace", [(f"/truy-xuat/{lot.trace_code}/", "")]),
        ("writers' API", [(f"/api/v1/trace/{lot.trace_code}", "depth=2")]),
        ("lot (owner)", [(f"/lo-hang/{lot.pk}/", "", business)]),
        ("orders (DOST)", [("/manage/stamps/", "", dost)]),
        ("order (DOST)", [(f"/manage/stamps/{pk}/", "", dost) for pk in orders]),
    ]
    return [(name, [(*t, "")[:3] for t in targets]) for name, targets in pages]


class Counter:
    """Counts the database queries and cache calls of a request (a wrapper Django documents)."""

    def __init__(self):
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)


def database_cpu(connection):
    """CPU seconds PostgreSQL's processes have used (its server on this machine): the
    postmaster's children that are running and those that have ended."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        data = cursor.fetchone()[0]
    postmaster = int(Path(data, "postmaster.pid").read_text().split()[0])
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        if pid == postmaster:
            total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
        elif int(fields[1]) == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def status(handler, target):
    seen = []
    response = handler(environ(*target), lambda status, _headers: seen.append(status))
    response.close()
    return seen[0].split()[0]


def run(handler, targets, n, profile=None, cold=False):
    """Median and p90 wall milliseconds, then CPU milliseconds per request of this process and
    of the database's backend, queries per request and the statuses seen."""
    from django.db import connection

    times, queries, statuses = [], [], set()
    profiler = cProfile.Profile() if profile else None
    db_before, cpu_before = database_cpu(connection), time.process_time()
    from django.core.cache import cache

    for i in range(n):
        path, query, cookie = targets[i % len(targets)]
        if cold:
            cache.clear()
        counter = Counter()
        seen = []
        with connection.execute_wrapper(counter):
            start = time.perf_counter()
            if profiler:
                profiler.enable()
            response = handler(
                environ(path, query, cookie), lambda status, _headers, s=seen: s.append(status)
            )
            b"".join(response)
            response.close()
            if profiler:
                profiler.disable()
            times.append((time.perf_counter() - start) * 1000)
        queries.append(counter.queries)
        statuses.add(seen[0].split()[0])
    app_cpu = (time.process_time() - cpu_before) * 1000 / n
    db_cpu = (database_cpu(connection) - db_before) * 1000 / n
    if profiler:
        profiler.dump_stats(profile)
    times.sort()
    return (
        statistics.median(times),
        times[int(len(times) * 0.9)],
        app_cpu,
        db_cpu,
        statistics.mean(queries),
        statuses,
    )


def measure(args):
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    if args.diary:
        add_diary(args.diary)
    targets = [
        (name, paths)
        for name, paths in pages()
        if not args.only or args.only in name or name == "bare view"
    ]
    # Only targets that answer 200 (a lot whose trace is not public answers 404), then warm up:
    # templates compiled, caches filled, statements prepared.
    targets = [(name, [t for t in paths if status(handler, t) == "200"]) for name, paths in targets]
    for _name, paths in targets:
        run(handler, paths, max(len(paths), 20))
    print(
        f"{'page':<16} {'median ms':>10} {'p90 ms':>8} {'app CPU ms':>11} {'DB CPU ms':>10}"
        f" {'queries':>8}  status"
    )
    for name, paths in targets:
        profile = None
        if args.profile:
            stem = "".join(c if c.isalnum() else "-" for c in name).strip("-")
            profile = str(Path(args.profile, stem + ".prof"))
        median, p90, app_cpu, db_cpu, queries, statuses = run(
            handler, paths, args.requests, profile, args.cold
        )
        print(
            f"{name:<16} {median:10.2f} {p90:8.2f} {app_cpu:11.2f} {db_cpu:10.2f}"
            f" {queries:8.1f}  {','.join(sorted(statuses))}"
        )


def load(manage, env):
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "createcachetable"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    # The demo's data, loaded as `make demo` does (its command needs DEBUG for its
    # stamp URLs only, not for what it stores).
    subprocess.run(
        [*manage, "load_demo", "--base-url", "http://127.0.0.1"],
        env={**env, "DEBUG": "1"},
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--cache", choices=["redis", "db"], default="redis")
    parser.add_argument(
        "--diary", type=int, default=0, help="first add this many diary entries to the lot"
    )
    parser.add_argument("--cold", action="store_true", help="empty the cache before every request")
    parser.add_argument("--profile", help="write a cProfile file per page into this folder")
    parser.add_argument(
        "--only", help="measure only the pages whose name contains this (the bare view too)"
    )
    parser.add_argument(
        "--no-load",
        action="store_true",
        help="with DATABASE_URL set: that database holds the demo's data already",
    )
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        return measure(args)
    if args.profile:
        os.makedirs(args.profile, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="txng-pagesbench-") as tmp,
        temp_cluster(socket=True) as url,
    ):
        Path(tmp, "pages_bench_settings.py").write_text(SETTINGS)
        Path(tmp, "pages_bench_urls.py").write_text(URLS)
        env = dict(
            os.environ,
            DATABASE_URL=url,
            DEBUG="0",
            SECRET_KEY="bench-only",
            SECURE_SSL_REDIRECT="0",
            ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SETTINGS_MODULE="pages_bench_settings",
            PYTHONPATH=f"{tmp}:{ROOT}",
            MEDIA_ROOT=str(Path(tmp) / "media"),
            CACHE_URL="db://txng_cache",
        )
        env.pop("REDIS_URL", None)
        redis = None
        try:
            manage = [PY, str(ROOT / "manage.py")]
            if not args.no_load:
                load(manage, env)
            if args.cache == "redis":
                if not shutil.which("redis-server"):
                    sys.exit("redis-server is missing: apt-get install redis-server")
                redis, env["CACHE_URL"] = start_redis()
            inner = [PY, __file__, "--inner", "--requests", str(args.requests)]
            if args.only:
                inner += ["--only", args.only]
            if args.diary:
                inner += ["--diary", str(args.diary)]
            if args.cold:
                inner += ["--cold"]
            if args.profile:
                inner += ["--profile", os.path.abspath(args.profile)]
            print(
                f"cache: {args.cache}{' (emptied before every request)' if args.cold else ''},"
                f" PostgreSQL over its Unix socket, {args.requests} requests"
            )
            subprocess.run(inner, env=env, check=True, cwd=ROOT)
        finally:
            if redis is not None:
                redis.terminate()
                redis.wait(timeout=30)


if __name__ == "__main__":
    main()
