"""Load and faults through the reverse proxy, loopback only and bounded in time (issue 24).

Simulated users, each a thread with its own keep-alive HTTPS connection and a think time:
consumers scanning stamps and searching, visitors reading public pages and the trace API,
businesses writing diary entries (each tagged, so every acknowledged write is looked up in the
database afterwards). Prints per kind: requests, req/s, p50/p95/p99 and errors.

With --faults, during the run: kill -9 of a gunicorn worker, kill -9 of the task worker, a
PostgreSQL restart and a Redis restart, each followed by the time until /healthz answers 200
again; after the run, acknowledged writes missing from the database (lost) and present twice
(duplicated). Run by scripts/production-check.sh (LOAD_SECONDS, LOAD_USERS, LOAD_FAULTS):
it passes the check's ports, paths and the password of the account the writers use.
"""

import argparse
import http.client
import json
import os
import random
import re
import signal
import ssl
import statistics
import subprocess
import threading
import time
import uuid
from collections import defaultdict
from urllib.parse import urlencode, urlparse

SEARCHES = ["hạt dẻ", "miến", "bánh", "chè", "mật ong", "gạo"]
PHONE = "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 Chrome/126.0 Mobile"


class Client:
    def __init__(self, base, context):
        url = urlparse(base)
        self.host, self.port, self.context = url.hostname, url.port, context
        self.cookies, self.conn = {}, None

    def request(self, method, path, body=None, headers=None):
        headers = {
            "User-Agent": PHONE,
            "Referer": f"https://{self.host}:{self.port}/",
            **(headers or {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPSConnection(
                        self.host, self.port, context=self.context, timeout=30
                    )
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                for value in response.headers.get_all("Set-Cookie") or []:
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
                return response.status, data, response.headers
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A keep-alive connection the proxy closed: a fresh one, once (as browsers do).
                self.conn = None
                if attempt == 2:
                    raise
            except Exception:
                # Timed out or half-read: this connection cannot be reused.
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                raise
        return None


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.errors = defaultdict(int)
        self.error_samples = defaultdict(list)
        self.acked = []

    def add(self, kind, ms, ok, detail=""):
        with self.lock:
            self.times[kind].append(ms)
            if not ok:
                self.errors[kind] += 1
                if len(self.error_samples[kind]) < 3:
                    self.error_samples[kind].append(detail)


def timed(stats, kind, client, method, path, ok_status=(200,), **kw):
    started = time.monotonic()
    try:
        status, body, headers = client.request(method, path, **kw)
        ok = status in ok_status
        detail = str(status)
    except Exception as exc:  # noqa: BLE001 - a failed request is counted, not fatal
        status, body, headers, ok, detail = None, b"", {}, False, type(exc).__name__
    stats.add(kind, (time.monotonic() - started) * 1000, ok, detail)
    return status, body, headers


def consumer(client, stats, state, rng):
    roll = rng.random()
    if roll < 0.5:
        timed(stats, "scan", client, "GET", f"/q/{rng.choice(state['codes'])}")
    elif roll < 0.7:
        query = urlencode({"q": rng.choice(SEARCHES)})
        timed(stats, "search", client, "GET", f"/search/?{query}")
    elif roll < 0.85:
        timed(stats, "page", client, "GET", rng.choice(["/", f"/truy-xuat/{state['trace_code']}/"]))
    else:
        timed(stats, "api", client, "GET", f"/api/v1/trace/{state['trace_code']}?depth=2")


def login(client, stats, state, password):
    status, body, _ = timed(stats, "login", client, "GET", "/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body or b"")
    if not token:
        return False
    form = urlencode(
        {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": state["username"],
            "password": password,
        }
    )
    status, _, _ = timed(
        stats,
        "login",
        client,
        "POST",
        "/accounts/login/",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        ok_status=(302,),
    )
    return status == 302


def writer(client, stats, state, rng, run_id):
    status, body, _ = timed(stats, "page", client, "GET", f"/lo-hang/{state['lot']}/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body or b"")
    if not token:
        return
    marker = f"load-{run_id}-{uuid.uuid4().hex[:10]}"
    form = urlencode(
        {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "diary-stage_kind": "care",
            "diary-stage_name": marker,
            "diary-time": time.strftime("%Y-%m-%dT%H:%M", time.localtime(time.time() - 3600)),
        }
    )
    status, _, headers = timed(
        stats,
        "write",
        client,
        "POST",
        f"/lo-hang/{state['lot']}/nhat-ky/",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        ok_status=(302,),
    )
    if status == 302 and "/nhat-ky/" not in (headers.get("Location") or ""):
        with stats.lock:
            stats.acked.append(marker)


def user_loop(args, state, stats, context, deadline, index, run_id):
    rng = random.Random(index)
    client = Client(args.base, context)
    is_writer = index % 10 == 0
    if is_writer and not login(client, stats, state, args.password):
        return
    while time.monotonic() < deadline:
        if is_writer:
            writer(client, stats, state, rng, run_id)
        else:
            consumer(client, stats, state, rng)
        time.sleep(rng.uniform(0.5, args.think * 2 - 0.5))


def wait_healthy(base, context, since, limit=120):
    client = Client(base, context)
    while time.monotonic() - since < limit:
        try:
            if client.request("GET", "/healthz")[0] == 200:
                return time.monotonic() - since
        except Exception:  # noqa: BLE001,S110 - not up yet
            client.conn = None
        time.sleep(0.1)
    return None


def _read(path):
    with open(path) as f:
        return f.read()


def _stat_parent(pid):
    try:
        return _read(f"/proc/{pid}/stat").rsplit(")", 1)[1].split()[1]
    except (OSError, IndexError):
        return None


def _cpu(pid):
    """Seconds of CPU a process and its reaped children used (utime, stime, cutime, cstime)."""
    try:
        fields = _read(f"/proc/{pid}/stat").rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def cpu_by_service(run):
    """CPU seconds used so far by each server process tree of the check (the master and its
    live children; the master's own figures include the children it reaped)."""
    masters = {
        "gunicorn": f"{run}/run/gunicorn.pid",
        "postgresql": f"{run}/pg/primary/postmaster.pid",
        "nginx": f"{run}/nginx/nginx.pid",
        "redis": f"{run}/run/redis.pid",
    }
    parents = {pid: _stat_parent(pid) for pid in os.listdir("/proc") if pid.isdigit()}
    found = {}
    for name, path in masters.items():
        try:
            master = _read(path).split()[0]
        except (OSError, IndexError):
            continue
        found[name] = _cpu(master) + sum(
            _cpu(p) for p, parent in parents.items() if parent == master
        )
    return found


def faults(args, context, deadline, report):
    run = args.run_dir
    pg_bin = sorted(
        (os.path.join("/usr/lib/postgresql", v, "bin") for v in os.listdir("/usr/lib/postgresql")),
        key=lambda p: int(p.split("/")[-2]),
    )[-1]
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []

    def kill_gunicorn_worker():
        master = _read(f"{run}/run/gunicorn.pid").strip()
        # The master's children, from /proc (no procps needed); field 4 of stat is the parent.
        children = [
            int(pid) for pid in os.listdir("/proc") if pid.isdigit() and _stat_parent(pid) == master
        ]
        os.kill(children[0], signal.SIGKILL)

    def kill_task_worker():
        os.kill(int(_read(f"{run}/run/worker.pid")), signal.SIGKILL)

    def restart_postgres():
        subprocess.run(
            [
                *as_postgres,
                f"{pg_bin}/pg_ctl",
                "-D",
                f"{run}/pg/primary",
                "-m",
                "fast",
                "-w",
                "restart",
                "-l",
                f"{run}/pg/primary.log",
            ],
            check=True,
            capture_output=True,
        )

    def restart_redis():
        pid = int(_read(f"{run}/run/redis.pid"))
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
        subprocess.run(
            [
                "redis-server",
                "--port",
                args.redis_port,
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--pidfile",
                f"{run}/run/redis.pid",
                "--logfile",
                f"{run}/log/redis.log",
                "--dir",
                run,
            ],
            check=True,
        )

    plan = [
        ("kill -9 gunicorn worker", kill_gunicorn_worker),
        ("kill -9 task worker", kill_task_worker),
        ("PostgreSQL restart", restart_postgres),
        ("Redis restart", restart_redis),
    ]
    span = deadline - time.monotonic()
    for n, (name, action) in enumerate(plan, start=1):
        time.sleep(max(0, (deadline - span + span * n / (len(plan) + 1)) - time.monotonic()))
        started = time.monotonic()
        action()
        recovered = wait_healthy(args.base, context, started)
        report.append((name, recovered))
        print(
            f"  fault: {name}: /healthz 200 again after {recovered:.2f} s"
            if recovered is not None
            else f"  fault: {name}: NOT recovered",
            flush=True,
        )


def check_writes(acked):
    import psycopg

    url = os.environ["DATABASE_URL"]
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT stage_name, count(*) FROM tracing_diaryentry"
            " WHERE stage_name = ANY(%s) GROUP BY 1",
            [acked],
        ).fetchall()
    found = dict(rows)
    lost = [m for m in acked if m not in found]
    duplicated = [m for m, n in found.items() if n > 1]
    return lost, duplicated


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="https://127.0.0.1:PORT (loopback only)")
    parser.add_argument("--cafile", required=True)
    parser.add_argument("--state", required=True, help="the smoke walk's JSON (codes, lot, user)")
    parser.add_argument("--password", required=True)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument(
        "--think", type=float, default=5.0, help="mean seconds between a user's requests"
    )
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--run-dir", help="the production check's folder (pids, data)")
    parser.add_argument(
        "--redis-port", default=os.environ.get("CACHE_URL", ":0/").rsplit(":", 1)[-1].split("/")[0]
    )
    parser.add_argument("--pg-port")
    args = parser.parse_args()
    host = urlparse(args.base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("loopback only")
    args.seconds = max(5, min(args.seconds, 900))
    args.users = max(1, min(args.users, 500))
    with open(args.state) as f:
        state = json.load(f)
    state.setdefault("codes", [state["stamp_code"]])
    context = ssl.create_default_context(cafile=args.cafile)
    stats, report, run_id = Stats(), [], uuid.uuid4().hex[:6]
    cpu_before = cpu_by_service(args.run_dir) if args.run_dir else {}
    started = time.monotonic()
    deadline = started + args.seconds
    threads = [
        threading.Thread(
            target=user_loop, args=(args, state, stats, context, deadline, i, run_id), daemon=True
        )
        for i in range(args.users)
    ]
    for thread in threads:
        thread.start()
        time.sleep(min(0.02, args.seconds / 50 / args.users))  # a short ramp
    if args.faults:
        faults(args, context, deadline, report)
    for thread in threads:
        thread.join(timeout=max(1, deadline - time.monotonic() + 40))
    elapsed = time.monotonic() - started
    print(
        f"\n{args.users} users (mean think time {args.think:g} s) for {elapsed:.0f} s"
        f" through {args.base}" + (" with faults" if args.faults else "")
    )
    print(
        f"{'kind':<8}{'requests':>10}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}"
    )
    total = errors = 0
    for kind in sorted(stats.times):
        times = sorted(stats.times[kind])
        q = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
        total, errors = total + len(times), errors + stats.errors[kind]
        print(
            f"{kind:<8}{len(times):>10}{len(times) / elapsed:>8.1f}"
            f"{q[49]:>9.0f}{q[94]:>9.0f}{q[98]:>9.0f}{stats.errors[kind]:>8}"
        )
    print(f"{'all':<8}{total:>10}{total / elapsed:>8.1f}{'':>27}{errors:>8}")
    if cpu_before and not args.faults:
        # CPU per request is what a dedicated machine's capacity follows from, whatever else
        # shares this one (a fault restarts a master and resets its figures: not then).
        cpu_after = cpu_by_service(args.run_dir)
        used = {name: cpu_after[name] - cpu_before.get(name, 0) for name in cpu_after}
        parts = ", ".join(f"{name} {1000 * sec / total:.1f}" for name, sec in used.items())
        per_request = 1000 * sum(used.values()) / total
        print(
            f"CPU ms per request: {parts}; all servers {per_request:.1f}"
            f" (one core serves about {1000 / per_request:.0f} req/s of this mix)"
        )
    for kind, samples in stats.error_samples.items():
        print(f"  errors of {kind}: {samples}")
    lost, duplicated = check_writes(stats.acked)
    print(
        f"acknowledged writes: {len(stats.acked)}, "
        f"found in the database: {len(stats.acked) - len(lost)}, "
        f"lost: {len(lost)}, duplicated: {len(duplicated)}"
    )
    for name, recovered in report:
        print(
            f"fault {name}: recovered in {recovered:.2f} s"
            if recovered is not None
            else f"fault {name}: not recovered"
        )
    if lost or duplicated or any(recovered is None for _, recovered in report):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
