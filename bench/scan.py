"""Benchmark: the consumer scan page /q/<code> against a bare Django view, same server, same run.

Starts a throwaway PostgreSQL (unless DATABASE_URL is set), loads one activated stamp, serves the
project with gunicorn (DEBUG off, the full middleware stack) plus one extra URL, /bench/bare/,
that returns "ok" without touching the database, and drives both with wrk.

    .venv/bin/python bench/scan.py [--seconds 10] [--connections 16] [--workers 2]

Goal (issue 6): /q/<code> reaches at least 0.5x the bare view's requests per second. Every
/q/ request does real work: one prepared statement reads the stamp, its lot and open recall;
the scan is queued (a thread in each worker writes the queue once a second: rows and counters,
then the counterfeit checks, see txng/stamps/scanqueue.py); the page is filled into its cached
frame. Requests spread over 20,000 stamps on one lot. After the run the server is stopped
normally and the stored scans are counted against the scan requests wrk saw answered.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(ROOT / "bench"))

from pg import free_port, temp_cluster  # noqa: E402

SETTINGS = """
from txng.settings import *  # noqa: F403
ROOT_URLCONF = "scan_bench_urls"
LOGGING = {"version": 1, "disable_existing_loggers": True}
"""
URLS = """
from django.http import HttpResponse
from django.urls import path

import txng.urls


def bare(request):
    return HttpResponse("ok")


def statement(request, code):
    # A scan without its page: the read and the queued write.
    from txng.stamps.scans import scan_code

    scan_code(request, code)
    return HttpResponse("ok")


# The project's own patterns follow the bench's, not included under them: /q/ resolves
# exactly as in production, and the bare view is found first.
urlpatterns = [
    path("bench/bare/", bare),
    path("bench/statement/<str:code>", statement),
    *txng.urls.urlpatterns,
]
"""
# Enough stamps that none passes STAMP_SCAN_THRESHOLD (50) during the run (about 3 scans each):
# the bench measures an ordinary scan, not the counterfeit-signal path.
STAMPS = 20_000
FIXTURE = f"""
STAMPS = {STAMPS}
from txng.accounts.models import Organisation
from txng.catalog.models import Product
from txng.stamps import codes
from txng.stamps.models import PrintOrder, Stamp
from txng.tracing.models import Lot
import datetime
biz = Organisation.objects.create(kind="business", business_type="cooperative",
                                  name="HTX Hạt dẻ Trùng Khánh", tax_code="0100109106",
                                  address="Trùng Khánh, Cao Bằng")
product = Product.objects.create(business=biz, name="Hạt dẻ Trùng Khánh")
lot = Lot.objects.create(business=biz, product=product, code="HD-01",
                         production_date=datetime.date(2026, 9, 1),
                         expiry_date=datetime.date(2027, 9, 1))
order = PrintOrder.objects.create(business=biz, product=product, lot=lot, quantity=STAMPS,
                                  state="ready", generated=STAMPS)
all_codes = [codes.new_code() for _ in range(STAMPS)]
Stamp.objects.bulk_create(
    Stamp(order=order, serial=i + 1, code=c, state="activated", lot=lot)
    for i, c in enumerate(all_codes)
)
print(" ".join(all_codes))
"""

COUNT = """
from django.db.models import Sum
from txng.stamps.models import Scan, Stamp
print(Scan.objects.count(), Stamp.objects.aggregate(n=Sum("scan_count"))["n"])
"""

# Requests spread over many stamps, as real scans are: one stamp scanned thousands of times a
# second would measure PostgreSQL's row-lock queue on one row, not the page.
LUA = """
local paths = {%s}
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def wrk(url, seconds, connections, script=None):
    extra = ["-s", script] if script else []
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *extra, url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    answered = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p50, p99, int(non2xx.group(1)) if non2xx else 0, answered


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--tcp",
        action="store_true",
        help="reach PostgreSQL over TCP on 127.0.0.1 instead of its Unix socket",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    with (
        tempfile.TemporaryDirectory(prefix="txng-scanbench-") as tmp,
        temp_cluster(socket=not args.tcp) as url,
    ):
        Path(tmp, "scan_bench_settings.py").write_text(SETTINGS)
        Path(tmp, "scan_bench_urls.py").write_text(URLS)
        env = dict(
            os.environ,
            DATABASE_URL=url,
            DEBUG="0",
            SECRET_KEY="bench-only",
            SECURE_SSL_REDIRECT="0",
            ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SETTINGS_MODULE="scan_bench_settings",
            PYTHONPATH=f"{tmp}:{ROOT}",
            MEDIA_ROOT=str(Path(tmp) / "media"),
        )
        server = None
        try:
            manage = [PY, str(ROOT / "manage.py")]
            subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
            # DEBUG is off, so pages need the hashed static files' manifest, as in production.
            subprocess.run(
                [*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT
            )

            def shell(code):
                """The words of the last line that `code` prints in manage.py shell."""
                return (
                    subprocess.run(
                        [*manage, "shell", "-c", code],
                        env=env,
                        check=True,
                        cwd=ROOT,
                        stdout=subprocess.PIPE,
                        text=True,
                    )
                    .stdout.strip()
                    .splitlines()[-1]
                    .split()
                )

            stamp_codes = shell(FIXTURE)
            code = stamp_codes[0]
            script = Path(tmp, "scan.lua")
            script.write_text(LUA % ", ".join(f'"/q/{c}"' for c in stamp_codes))
            floor_script = Path(tmp, "statement.lua")
            floor_script.write_text(LUA % ", ".join(f'"/bench/statement/{c}"' for c in stamp_codes))
            port = free_port()
            server = subprocess.Popen(
                [
                    PY,
                    "-m",
                    "gunicorn",
                    "txng.wsgi:application",
                    "-b",
                    f"127.0.0.1:{port}",
                    "-w",
                    str(args.workers),
                    "--log-level",
                    "warning",
                ],
                env=env,
                cwd=ROOT,
            )
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/bench/bare/", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            page = urllib.request.urlopen(f"{base}/q/{code}").read()
            print(
                f"gunicorn {args.workers} workers, wrk 2 threads {args.connections} "
                f"connections {args.seconds}s, PostgreSQL over "
                f"{'TCP' if args.tcp else 'its Unix socket'}; scan page {len(page)} bytes"
            )
            wrk(f"{base}/bench/bare/", 2, args.connections)  # warm up both
            scanned = 1 + wrk(f"{base}/q/{code}", 2, args.connections, script)[-1]
            # Alternate them so a change in machine load hits all alike; report the median. The
            # third is for reading the other two: a view that logs the scan and returns no page.
            targets = {
                "bare Django view": (f"{base}/bench/bare/", None),
                "/q/<code>": (f"{base}/q/{code}", script),
                "scan, no page": (f"{base}/bench/statement/{code}", floor_script),
            }
            runs = {name: [] for name in targets}
            for _ in range(args.rounds):
                for name, (url, lua) in targets.items():
                    runs[name].append(wrk(url, args.seconds, args.connections, lua))
                    scanned += runs[name][-1][-1] if lua else 0
            medians = {}
            for name, results in runs.items():
                rps, p50, p99, bad, _ = sorted(results)[len(results) // 2]
                medians[name] = rps
                each = ", ".join(f"{r[0]:.0f}" for r in results)
                print(
                    f"{name:<18} {rps:9.1f} req/s  p50 {p50:>8}  p99 {p99:>8}  non-2xx {bad}"
                    f"  (runs: {each})"
                )
            print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            # Each round's two runs follow each other, so their ratio is the least disturbed by
            # a change in the machine's speed (a shared host's is not steady); report the median.
            ratios = sorted(
                q[0] / b[0]
                for q, b in zip(runs["/q/<code>"], runs["bare Django view"], strict=True)
            )
            ratio = ratios[len(ratios) // 2]
            verdict = "meets" if ratio >= 0.5 else "misses"
            print(
                f"ratio /q/ : bare = {ratio:.2f}x, median of the rounds' "
                f"({', '.join(f'{r:.2f}' for r in ratios)}); {verdict} the goal of >= 0.5x"
            )
            server.terminate()  # a normal stop: each worker writes what it has queued
            server.wait(timeout=30)
            rows, counted = map(int, shell(COUNT))
            print(
                f"scans stored {rows:,} (stamp counters add up to {counted:,}) for {scanned:,}"
                f" scan requests answered: {'none' if min(rows, counted) >= scanned else 'some'}"
                " lost (requests cut off by wrk's stop are stored too)"
            )
        finally:
            if server is not None and server.poll() is None:
                server.terminate()
                server.wait(timeout=30)


if __name__ == "__main__":
    main()
