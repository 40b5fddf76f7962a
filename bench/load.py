"""Load and faults through the reverse proxy, loopback only and bounded in time (issue 24).

Simulated users, each a thread with its own keep-alive HTTPS connection and a think time:
- consumers scanning stamps, searching, reading public pages and the trace API;
- businesses writing diary entries and shipments, sent as the app's offline queue sends them
  (an Idempotency-Key, txng/pwa): an answer lost to a fault is sent again with the same key;
- DOST officials, signed in with a password and a TOTP code (computed with django-otp's own
  TOTP from the key the seed gave the device), approving waiting print orders;
- API clients capturing EPCIS events (POST /epcis/capture with an API key, each event with its
  own eventID; the task worker stores them).
Each user acts on its own schedule (open loop per user: the next action is due a think time
after the previous one was due, not after its answer came), so a slow server does not quietly
lower the offered load: the bench prints the offered and achieved rates, how late actions
started because their user still waited, and how late the generator itself woke (it shares
the cores with the servers). Prints per kind: requests, req/s, p50/p95/p99, errors and
requests sent again, for the whole run and outside the fault windows (the latency goals are
for the load; faults are judged by errors, losses and recovery), each request's time split by
nginx's and gunicorn's logs, and the CPU per process (bench/load_report.py).

With --faults, during the run: kill -9 of a gunicorn worker, kill -9 of the task worker, a
PostgreSQL restart and a Redis restart (bench/load_faults.py), each followed by the time until
/healthz answers 200 again, and the errors that fell in each fault's window. After the run
(bench/load_verify.py): every acknowledged write of every kind looked up in the database (lost,
duplicated), and the tasks queued during the run counted against their effects (events stored
per captured eventID, stamps made per approved order): a task that ran twice to a visible
effect shows as a duplicate. Run by scripts/production-check.sh (LOAD_SECONDS, LOAD_USERS,
LOAD_FAULTS), which passes its ports, paths and the seeded accounts (scripts/prodcheck/seed.py).
"""

import argparse
import http.client
import json
import os
import random
import re
import ssl
import statistics
import sys
import threading
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlparse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import load_faults  # noqa: E402 - the bench folder's own modules
import load_report  # noqa: E402
import load_verify  # noqa: E402

SEARCHES = ["hạt dẻ", "miến", "bánh", "chè", "mật ong", "gạo"]
PHONE = "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 Chrome/126.0 Mobile"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
# Answers after which a client sends the same request again: the proxy lost the worker (502) or
# the app refused for now (503: nothing was kept), or the connection was refused or cut. Not a
# time-out (504, or the client's own): the request may still be queued, and sending it again
# on a saturated machine would only lengthen the queue.
RETRYABLE = (502, 503)
CUT = (
    "ConnectionRefusedError",
    "ConnectionResetError",
    "RemoteDisconnected",
    "BrokenPipeError",
    "IncompleteRead",
)
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class Client:
    def __init__(self, base, context):
        url = urlparse(base)
        self.host, self.port, self.context = url.hostname, url.port, context
        self.cookies, self.conn = {}, None
        # Requests this client sent again on a fresh connection by itself (below); whoever
        # sent the request counts them as resent, so no retry goes unreported.
        self.reopened = 0

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
                # Any method, as browsers do: the bench's POSTs are all safe to send again (an
                # Idempotency-Key, an eventID, a state transition, a login form).
                self.conn = None
                if attempt == 2:
                    raise
                self.reopened += 1
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
        self.records = []  # (kind, monotonic start, ms, ok)
        self.attempts = []  # (kind, request id, ms) of each answered attempt, for the split
        self.schedule = []  # (due, started, overslept) of each user action
        self.errors = defaultdict(int)
        self.retried = defaultdict(int)
        self.error_samples = defaultdict(list)
        self.error_times = []  # (monotonic time, kind, detail)
        self.acked = defaultdict(list)  # write kind -> what to look up afterwards

    def add(self, kind, started, ms, ok, detail=""):
        with self.lock:
            self.records.append((kind, started, ms, ok))
            if not ok:
                self.errors[kind] += 1
                self.error_times.append((time.monotonic(), kind, detail))
                if len(self.error_samples[kind]) < 3:
                    self.error_samples[kind].append(detail)

    def attempt(self, kind, headers, ms):
        rid = headers.get("X-Request-ID") if headers else None
        if rid:
            with self.lock:
                self.attempts.append((kind, rid, ms))

    def retry(self, kind):
        with self.lock:
            self.retried[kind] += 1

    def ack(self, kind, value):
        with self.lock:
            self.acked[kind].append(value)

    def action(self, due, started, overslept):
        with self.lock:
            self.schedule.append((due, started, overslept))


def _send(stats, kind, client, method, path, **kw):
    reopened = client.reopened
    try:
        status, body, headers = client.request(method, path, **kw)
        return status, body, headers, str(status)
    except Exception as exc:  # noqa: BLE001 - a failed request is counted, not fatal
        return None, b"", {}, type(exc).__name__
    finally:
        for _ in range(client.reopened - reopened):
            stats.retry(kind)  # sent again by the client on a fresh connection


def resend(stats, kind, client, method, path, ok_status, attempts=4, **kw):
    """A request that is safe to send again, sent again after a 502/503 or a refused or cut
    connection, waiting as Retry-After asks (at most 5 s): a write with an idempotency key, a
    state transition or an eventID (4 tries), or a GET (2 tries: a person reloads the page once,
    and a browser fetches a GET again when its connection broke). Counted as one request of
    `kind` with its whole time; an error only if it never got through."""
    started = time.monotonic()
    for attempt in range(1, attempts + 1):
        sent = time.monotonic()
        status, body, headers, detail = _send(stats, kind, client, method, path, **kw)
        stats.attempt(kind, headers, (time.monotonic() - sent) * 1000)
        if (status not in RETRYABLE and detail not in CUT) or attempt == attempts:
            break
        stats.retry(kind)
        wait = headers.get("Retry-After") if headers else None
        time.sleep(min(5.0, float(wait)) if wait and wait.isdigit() else 1.0)
    stats.add(kind, started, (time.monotonic() - started) * 1000, status in ok_status, detail)
    return status, body, headers


def timed(stats, kind, client, method, path, ok_status=(200,), **kw):
    attempts = 2 if method in ("GET", "HEAD") else 1
    return resend(stats, kind, client, method, path, ok_status, attempts, **kw)


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


def _csrf(body):
    found = CSRF.search(body or b"")
    return found.group(1).decode() if found else None


def login(client, stats, username, password, totp_key=None):
    """The login form, and for an official the second step with a TOTP code."""
    status, body, _ = timed(stats, "login", client, "GET", "/accounts/login/")
    token = _csrf(body)
    if not token:
        return False
    form = {"csrfmiddlewaretoken": token, "username": username, "password": password}
    status, _, headers = resend(
        stats,
        "login",
        client,
        "POST",
        "/accounts/login/",
        (302,),
        body=urlencode(form),
        headers=FORM,
    )
    if status != 302:
        return False
    if "/login/code/" not in (headers.get("Location") or ""):
        return True
    from django_otp.oath import TOTP  # the library the app verifies codes with

    status, body, _ = timed(stats, "login", client, "GET", "/accounts/login/code/")
    token = _csrf(body)
    if not token:
        return False
    totp = TOTP(bytes.fromhex(totp_key))
    for _try in (1, 2):
        form = {"csrfmiddlewaretoken": token, "code": f"{totp.token():06d}"}
        # Sent again after a 502 or a cut connection, as a person presses the button again.
        status, _, _ = resend(
            stats,
            "login",
            client,
            "POST",
            "/accounts/login/code/",
            (302,),  # a refused code (200, the form again) is a failed login request
            body=urlencode(form),
            headers=FORM,
        )
        if status != 200:
            break
        # Refused: the first try was cut after the code was used (a code is accepted once),
        # or the code's 30 s step ended on the way. A person waits for the next code.
        stats.retry("login")
        time.sleep(totp.step - (time.time() - totp.t0) % totp.step + 0.5)
    return status == 302


def _offline_post(stats, kind, client, path, fields):
    """A form sent as the app's offline queue sends it: an Idempotency-Key and the time it was
    made; acknowledged when the answer is {"ok": true}."""
    headers = {
        **FORM,
        "Idempotency-Key": uuid.uuid4().hex,
        "X-Made-At": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    status, body, _ = resend(
        stats, kind, client, "POST", path, (200,), body=urlencode(fields), headers=headers
    )
    try:
        return status == 200 and json.loads(body).get("ok") is True
    except ValueError:
        return False


def business(client, stats, state, rng, run_id, index):
    """A diary entry or a shipment from the user's own lot's page (a signed-in page, counted as
    its own kind), each tagged to be looked up afterwards."""
    lots = state.get("writer_lots") or [state["lot"]]
    lot = lots[index // 10 % len(lots)]
    status, body, _ = timed(stats, "lot page", client, "GET", f"/lo-hang/{lot}/")
    token = _csrf(body)
    if not token:
        return
    marker = f"load-{run_id}-{uuid.uuid4().hex[:10]}"
    local = datetime.now(UTC) + timedelta(hours=7) - timedelta(hours=1)
    when = local.strftime("%Y-%m-%dT%H:%M")
    if rng.random() < 0.5:
        fields = {
            "csrfmiddlewaretoken": token,
            "diary-stage_kind": "care",
            "diary-stage_name": marker,
            "diary-time": when,
        }
        if _offline_post(stats, "diary", client, f"/lo-hang/{lot}/nhat-ky/", fields):
            stats.ack("diary", marker)
    else:
        fields = {
            "csrfmiddlewaretoken": token,
            "ship-quantity": "0.001",
            "ship-shipped_at": when,
            "ship-receiver_name": "Đại lý kiểm tải",
            "ship-delivery_note_no": marker,
        }
        if _offline_post(stats, "shipment", client, f"/lo-hang/{lot}/xuat/", fields):
            stats.ack("shipment", marker)


def official(client, stats, state, orders):
    """The queue of print orders, one order, its approval."""
    timed(stats, "official", client, "GET", "/manage/stamps/")
    with orders["lock"]:
        pk = orders["waiting"].pop() if orders["waiting"] else None
    if pk is None:
        return
    status, body, _ = timed(stats, "official", client, "GET", f"/manage/stamps/{pk}/")
    token = _csrf(body)
    if not token:
        return
    # An approval is a state transition: sent again it is refused as already made, never doubled.
    status, _, headers = resend(
        stats,
        "approve",
        client,
        "POST",
        f"/manage/stamps/{pk}/approve/",
        (302,),
        body=urlencode({"csrfmiddlewaretoken": token, "reason": ""}),
        headers=FORM,
    )
    if status == 302 and (headers.get("Location") or "").rstrip("/").endswith(f"/{pk}"):
        stats.ack("approve", pk)


def api_client(client, stats, state, rng, run_id):
    """One capture document of one to three events, each with its own eventID."""
    ids = [f"urn:uuid:{uuid.uuid4()}" for _ in range(rng.randint(1, 3))]
    now = datetime.now(UTC).isoformat(timespec="seconds")
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": now,
        "epcisBody": {
            "eventList": [
                {
                    "type": "ObjectEvent",
                    "eventID": event_id,
                    "eventTime": now,
                    "eventTimeZoneOffset": "+00:00",
                    "epcList": [f"urn:epc:id:sgtin:0614141.107346.{run_id}{n}"],
                    "action": "OBSERVE",
                    "bizStep": "shipping",
                    "disposition": "in_transit",
                }
                for n, event_id in enumerate(ids)
            ]
        },
    }
    headers = {
        "Authorization": f"Bearer {state['api_key']}",
        "Content-Type": "application/ld+json",
        "GS1-EPCIS-Version": "2.0.0",
    }
    # Sent again with the same eventIDs: a second copy of an event is refused, not stored.
    status, _, _ = resend(
        stats,
        "capture",
        client,
        "POST",
        "/epcis/capture",
        (202,),
        body=json.dumps(document),
        headers=headers,
    )
    if status == 202:
        for event_id in ids:
            stats.ack("capture", event_id)


def role_of(index, officials):
    if index % 20 == 0 and index // 20 < officials:
        return "official"
    if index % 20 == 10:
        return "api"
    if index % 10 == 5:
        return "business"
    return "consumer"


def user_loop(args, state, stats, context, start_at, deadline, index, run_id, orders):
    """One user: signs in if it must, then acts on its own schedule until the deadline. An
    action is due a think time after the previous one was due; a user still waiting for an
    answer acts as soon as it comes, and one more than a mean think time behind skips the
    actions it missed (counted as offered, never started)."""
    rng = random.Random(index)
    client = Client(args.base, context)
    role = role_of(index, len(state.get("officials", [])))
    think = args.think * (3 if role == "official" else 1)
    # Users arrive at a random moment of the ramp (at least their first think time), as people
    # come to work or into a shop, not all in the same second; who works signed in signs in
    # then (a password hash, some 0.3 s of CPU).
    arrival = start_at + rng.uniform(0, max(args.ramp, think))
    time.sleep(max(0.0, arrival - time.monotonic()))
    if role == "official":
        person = state["officials"][index // 20]
        if not login(client, stats, person["username"], args.password, person["totp_key"]):
            return
    elif role == "business" and not login(client, stats, state["username"], args.password):
        return
    due = max(time.monotonic(), arrival)
    while due < deadline:
        now = time.monotonic()
        overslept = None
        if now < due:
            time.sleep(due - now)
            now = time.monotonic()
            overslept = now - due
        elif now - due > think:
            stats.action(due, None, None)
            due += rng.uniform(0.5, think * 2 - 0.5)
            continue
        stats.action(due, now, overslept)
        if role == "official":
            official(client, stats, state, orders)
        elif role == "business":
            business(client, stats, state, rng, run_id, index)
        elif role == "api":
            api_client(client, stats, state, rng, run_id)
        else:
            consumer(client, stats, state, rng)
        due += rng.uniform(0.5, think * 2 - 0.5)


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


class HealthProbe(threading.Thread):
    """/healthz once a second through the whole run, so that a fault's recovery time can be read
    against how long /healthz took just before it: on a saturated machine the probe waits in
    the same queue as the users, and that wait is not the fault's."""

    def __init__(self, base, context):
        super().__init__(daemon=True)
        self.client, self.answers = Client(base, context), []
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                ok = self.client.request("GET", "/healthz")[0] == 200
            except Exception:  # noqa: BLE001 - counted as not answered
                self.client.conn, ok = None, False
            took = time.monotonic() - started
            self.answers.append((started, took, ok))
            self.stopping.wait(max(0.0, 1.0 - took))

    def before(self, at, seconds=30):
        """The median time /healthz took, of the probes answered in the `seconds` before `at`."""
        took = [t for s, t, ok in self.answers if ok and at - seconds <= s and s + t <= at]
        return statistics.median(took) if took else None


def fault_windows(report):
    """(name, start, end) of each fault: from the fault until 15 s after /healthz answered."""
    return [
        (name, at, at + (recovered if recovered is not None else 120) + 15)
        for name, at, recovered in report
    ]


def print_faults(stats, report, started, probe, records=()):
    windows = fault_windows(report)
    counted = defaultdict(lambda: defaultdict(int))
    arriving = sum(1 for at, _kind, _detail in stats.error_times if at < started)
    if arriving:
        print(f"errors during the arrivals (before the measured run): {arriving}")
    for at, kind, _detail in stats.error_times:
        if at < started:
            continue
        # The latest fault begun before the error: windows overlap when recoveries are slow.
        name = next(
            (n for n, start, end in reversed(windows) if start <= at <= end), "outside any fault"
        )
        counted[name][kind] += 1
    for name, at, recovered in report:
        took = f"{recovered:.2f} s" if recovered is not None else "NOT recovered"
        errors = counted.get(name, {})
        detail = ", ".join(f"{k} {n}" for k, n in sorted(errors.items())) or "none"
        queue = probe.before(at)
        queue = f" (/healthz took {queue:.2f} s in the 30 s before it)" if queue is not None else ""
        print(
            f"fault at {at - started:5.0f} s of the measured run: {name}:"
            f" /healthz 200 again after {took}{queue};"
            f" errors {sum(errors.values())} ({detail})"
        )
        # What the users felt in this fault's window: the latency of what overlapped it.
        start, end = next((s, e) for n, s, e in windows if n == name)
        inside = [r for r in records if r[1] <= end and r[1] + r[2] / 1000 >= start]
        for kind in ("scan", "page"):
            q = load_report.quantiles([r[2] for r in inside if r[0] == kind])
            if q:
                n = sum(1 for r in inside if r[0] == kind)
                print(
                    f"    in its window ({end - start:.0f} s): {kind} n {n}, p50 {q[0]:.0f} ms,"
                    f" p95 {q[1]:.0f} ms, p99 {q[2]:.0f} ms"
                )
    if counted.get("outside any fault"):
        outside = counted["outside any fault"]
        print(f"errors outside the faults' windows: {sum(outside.values())} ({dict(outside)})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="https://127.0.0.1:PORT (loopback only)")
    parser.add_argument("--cafile", required=True)
    parser.add_argument("--state", required=True, help="the seed's JSON (codes, lot, accounts)")
    parser.add_argument("--password", required=True)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument(
        "--think", type=float, default=5.0, help="mean seconds between a user's actions"
    )
    parser.add_argument(
        "--ramp",
        type=int,
        default=30,
        help="seconds over which the users arrive (and sign in), before the measured --seconds",
    )
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--run-dir", help="the production check's folder (pids, logs, data)")
    parser.add_argument(
        "--redis-port", default=os.environ.get("CACHE_URL", ":0/").rsplit(":", 1)[-1].split("/")[0]
    )
    parser.add_argument("--pg-port")
    parser.add_argument(
        "--drain-seconds", type=int, default=120, help="how long to wait for queued tasks"
    )
    args = parser.parse_args()
    host = urlparse(args.base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("loopback only")
    args.seconds = max(5, min(args.seconds, 900))
    args.ramp = max(0, min(args.ramp, 120))
    args.users = max(1, min(args.users, 500))
    with open(args.state) as f:
        state = json.load(f)
    state.setdefault("codes", [state["stamp_code"]])
    context = ssl.create_default_context(cafile=args.cafile)
    stats, report, run_id = Stats(), [], uuid.uuid4().hex[:6]
    orders = {"lock": threading.Lock(), "waiting": list(state.get("orders_to_approve", []))}
    since = load_verify.db_now(os.environ["DATABASE_URL"])
    sampler = load_report.CpuSampler(args.run_dir) if args.run_dir else None
    if sampler:
        sampler.start()
    loads = " ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"load average before the run: {loads}", flush=True)
    started = time.monotonic()
    measured_from = started + args.ramp
    deadline = measured_from + args.seconds
    probe = HealthProbe(args.base, context)
    probe.start()
    threads = [
        threading.Thread(
            target=user_loop,
            args=(args, state, stats, context, started, deadline, i, run_id, orders),
            daemon=True,
        )
        for i in range(args.users)
    ]
    for thread in threads:
        thread.start()
        time.sleep(min(0.02, args.seconds / 50 / args.users))  # a short ramp
    if args.faults:
        time.sleep(max(0.0, measured_from - time.monotonic()))  # faults hit the full load
        load_faults.faults(args, context, deadline, report, wait_healthy)
    for thread in threads:
        thread.join(timeout=max(1, deadline - time.monotonic() + 40))
    probe.stopping.set()
    if sampler:
        sampler.stop()
    roles = defaultdict(int)
    for i in range(args.users):
        roles[role_of(i, len(state.get("officials", [])))] += 1
    print(
        f"\n{args.users} users ({', '.join(f'{n} {r}' for r, n in sorted(roles.items()))};"
        f" mean think time {args.think:g} s, officials 3 times that) for {args.seconds} s"
        f" after {args.ramp} s of arrivals, through {args.base}"
        + (" with faults" if args.faults else "")
    )
    with stats.lock:
        records = list(stats.records)
    arriving = [r for r in records if r[1] < measured_from]
    measured = [r for r in records if r[1] >= measured_from]
    load_report.print_latencies(
        measured, args.seconds, deadline, fault_windows(report), stats.retried
    )
    if arriving:
        print(
            f"\nThe {args.ramp} s of arrivals before it (users arriving, signing in, pages"
            " rendered the first time; not in the figures above; 'resent' is the whole run's):"
        )
        load_report.print_latencies(arriving, args.ramp, measured_from, [], stats.retried)
    for kind, samples in stats.error_samples.items():
        print(f"  errors of {kind}: {samples}")
    load_report.print_schedule(
        [s for s in stats.schedule if s[0] is not None and s[0] >= measured_from],
        args.seconds,
        args.users,
    )
    if args.run_dir:
        load_report.print_split(
            stats.attempts,
            f"{args.run_dir}/log/nginx-timing.log",
            f"{args.run_dir}/log/request-timing.log",
        )
    if sampler:
        load_report.print_cpu(sampler, len(records))
    print_faults(stats, report, measured_from, probe, measured)
    failed = load_verify.report(stats.acked, os.environ["DATABASE_URL"], args.drain_seconds, since)
    if failed or any(recovered is None for _, _, recovered in report):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
