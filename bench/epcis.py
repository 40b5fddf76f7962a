"""Benchmark the EPCIS binding on PostgreSQL: capture throughput and MATCH_ query latency.

    .venv/bin/python bench/epcis.py [--events 100000] [--per-document 500] [--workers 2]
                                    [--no-serial] [--stored 1000000] [--samples 200]
                                    [--explain] [--profile] [--statements]

1. Capture: --events ObjectEvents in documents of --per-document, each POSTed to /epcis/capture
   with an API key by the Django test client in this process (JSON parse, GS1 schema, CBV
   check, job row), and stored by the capture task (hash, duplicate check, event rows,
   identifier index rows). Timed twice in one run, each time on events of its own:
   - inline, serially: each POST runs its capture task in the request (immediate backend), one
     process and one PostgreSQL backend doing everything in turn (`--workers 0`: only this);
   - as deployed: the POSTs queue their jobs in the database task backend and --workers real
     `manage.py db_worker` processes (default 2, the machine's cores; started and stopped by
     the bench, bounded in time) store them concurrently while the POSTs go on. The clock runs
     from the first POST until every job is finished (the job rows are polled); every event
     must be stored once and no job or task may have failed. The CPU the requests, the workers
     and PostgreSQL used meanwhile is printed per event, with how busy the cores were.
   Baseline in the same run: ONE raw COPY stream (one client, one backend) of the event rows
   the first phase stored (same documents, their JSON text made before the clock starts; same
   indexes; no trigger, key row or identifier rows) into a copy of the event table, right
   after that phase, on a quiet server (after a checkpoint, autovacuum done); the fastest of
   three such COPYs, so that a slow moment of the machine cannot flatter the ratio. Goal, as
   the issue sets it: capture ≥ 0.3× that one COPY stream. Capture with N workers uses N+1
   processes, the COPY one: the ratio compares the system as deployed with one bulk load, not
   like with like.
2. Query: --stored events generated with SQL (1,000 products × 100 lots, one serial each, 30 s
   apart), indexed as capture indexes them; then p50/p95 of GET /epcis/events with MATCH_epc,
   MATCH_epcClass and a one-hour eventTime window, through the whole request path, as DOST's
   key (which sees every event: the widest visibility). Goal: p95 < 100 ms. --explain prints
   PostgreSQL's EXPLAIN ANALYZE of each kind of query (its first sample) at the stored size.
   --stored 0 skips the query half.

--profile prints where capture's time goes, serially: the request half (parse, schema, CBV, job
row) and the task half (hash, duplicate check, rows) run apart, each with its wall time and
the CPU time of this process and of its PostgreSQL backend (read from /proc: a loaded
machine's waiting is left out, so these are the robust figures), then PostgreSQL's own time
per statement (pg_stat_statements, loaded in the benchmark's cluster). --cprofile adds
cProfile's table of each half; it slows Python down, so its events/s are not the benchmark's
figure. --statements prints PostgreSQL's statements during the run with task workers.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pg import temp_cluster  # noqa: E402

CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]


def main():
    args = _parse_args()
    args.profile = args.profile or args.cprofile
    statements = args.profile or args.statements
    with temp_cluster(preload=("pg_stat_statements",) if statements else ()) as url:
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "txng.settings")
        os.environ.setdefault("SECRET_KEY", "bench-only")
        os.environ.setdefault("DEBUG", "0")
        os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
        # --profile queues the capture tasks (dummy backend) and runs them after the requests,
        # so that each half is profiled on its own. Otherwise the database backend, as deployed
        # (the serial run switches to the immediate backend for its own phase).
        if args.profile:
            os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
        else:
            os.environ.pop("TASKS_BACKEND", None)
        import logging

        import django

        django.setup()
        logging.getLogger("django_tasks").setLevel(logging.WARNING)  # a line per task otherwise
        from django.conf import settings
        from django.core.management import call_command

        settings.ALLOWED_HOSTS = ["*"]
        settings.API_KEY_RATE_LIMIT = 10**9
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        business_key, dost_key, business = _keys()
        _capture(args, business_key)
        if args.stored:
            _query(args, dost_key, business)


def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--per-document", type=int, default=500)
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="task worker processes (manage.py db_worker) storing the jobs; 0: inline only",
    )
    parser.add_argument(
        "--serial",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time the inline serial run (its own events, before the workers' run)",
    )
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument("--profile", action="store_true", help="print where capture's time goes")
    parser.add_argument("--cprofile", action="store_true", help="--profile with cProfile tables")
    parser.add_argument(
        "--statements",
        action="store_true",
        help="PostgreSQL's statements by time during the run with task workers",
    )
    return parser.parse_args()


def _keys():
    from txng.accounts.models import Organisation, OrgKind, User
    from txng.epcis import keys

    dost = Organisation.objects.create(kind=OrgKind.DOST, name="Sở KH&CN")
    business = Organisation.objects.create(
        kind=OrgKind.BUSINESS, name="HTX thử tải", business_type="cooperative"
    )
    owner = User.objects.create(username="owner", organisation=business, role="owner")
    head = User.objects.create(username="head", organisation=dost, role="head")
    business_key = keys.create_key(actor=owner, name="bench", scopes=["capture", "query"])[1]
    dost_key = keys.create_key(actor=head, name="bench", scopes=["query"])[1]
    return business_key, dost_key, business


def _event(n):
    return {
        "type": "ObjectEvent",
        "eventTime": f"2026-01-{1 + n // 86400 % 28:02d}T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:"
        f"{n % 60:02d}.000+07:00",
        "eventTimeZoneOffset": "+07:00",
        "epcList": [f"https://id.gs1.org/01/08930000000019/21/C{n}"],
        "action": "OBSERVE",
        "bizStep": "shipping",
        "disposition": "in_transit",
        "readPoint": {"id": "https://id.gs1.org/414/8930000000002"},
    }


def _bodies(args, first):
    """The documents' JSON texts, events numbered from `first` (each phase its own events).
    Only the texts are kept, as a client holds its documents: 100,000 events kept as dicts
    meant a million live objects for Python's garbage collector to walk again and again while
    capture ran, a cost of the benchmark and not of the server."""
    documents = (
        {
            "@context": CONTEXT,
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2026-01-01T00:00:00+07:00",
            "epcisBody": {
                "eventList": [_event(n) for n in range(start, start + args.per_document)]
            },
        }
        for start in range(first, first + args.events, args.per_document)
    )
    return [json.dumps(d) for d in documents]


def _poster(key):
    from django.test import Client

    client = Client()
    headers = {"Authorization": f"Bearer {key}"}

    def post_all(bodies):
        for body in bodies:
            response = client.post(
                "/epcis/capture", body, content_type="application/ld+json", headers=headers
            )
            assert response.status_code == 202, (response.status_code, response.content)

    # Warm up outside the timing: URLconf import and the schema's one-off compilation.
    from txng.epcis.capture import validator

    validator()
    client.get("/epcis/events", headers=headers)
    return post_all


def _last_event_pk():
    from django.db.models import Max

    from txng.tracing.models import Event

    return Event.objects.aggregate(last=Max("pk"))["last"] or 0


def _check_stored(args, after):
    """Every event of the phase stored once, no capture job failed or still running."""
    from txng.epcis.models import CaptureJob
    from txng.tracing.models import Event

    assert not CaptureJob.objects.filter(success=False).exists()
    assert not CaptureJob.objects.filter(running=True).exists()
    stored = Event.objects.filter(pk__gt=after)
    count = stored.count()
    assert count == args.events, count
    distinct = stored.values("event_id").distinct().count()
    assert distinct == args.events, distinct


def _serial(args, post_all, first):
    """Today's inline run: each POST stores its events in the request (ImmediateBackend), so
    one process and one PostgreSQL backend do everything, one after the other."""
    from django.test import override_settings

    bodies = _bodies(args, first)
    after = _last_event_pk()
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate):
        started = time.perf_counter()
        post_all(bodies)
        seconds = time.perf_counter() - started
    _check_stored(args, after)
    return seconds, after


def _with_workers(args, post_all, first):
    """As deployed: the requests queue their jobs in the database task backend and N real
    `manage.py db_worker` processes store them concurrently (SELECT ... FOR UPDATE SKIP
    LOCKED). The clock runs from the first POST until every job is finished."""
    import subprocess

    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from txng.epcis.models import CaptureJob

    bodies = _bodies(args, first)
    after = _last_event_pk()
    env = {k: v for k, v in os.environ.items() if k != "TASKS_BACKEND"}  # the database backend
    logs = Path(tempfile.mkdtemp(prefix="txng-bench-workers."))
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "db_worker",
                "--worker-id",
                f"bench-worker-{i}",
                # The queue is polled as the units poll it (the default interval: a worker that
                # finds it empty waits a second); only the start-up's random delay is skipped,
                # which falls before the clock starts.
                "--no-startup-delay",
                "--no-reload",
            ],
            cwd=ROOT,
            env=env,
            stdout=(logs / f"worker-{i}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        for i in range(args.workers)
    ]
    try:
        # Each worker is ready once it says so (Django imported, polling the queue).
        ready_by = time.perf_counter() + 60
        while not all("Starting worker" in log.read_text() for log in logs.iterdir()):
            assert time.perf_counter() < ready_by, "the task workers did not start"
            assert all(w.poll() is None for w in workers), "a task worker stopped"
            time.sleep(0.05)
        # Bounded: no run takes longer than a minute plus a millisecond an event (~1/10 of that
        # is expected); the workers are stopped whatever happens.
        deadline = time.perf_counter() + 60 + args.events / 1000
        if args.statements:
            with connection.cursor() as cur:
                cur.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
                cur.execute("SELECT pg_stat_statements_reset()")
        cpu = _cpu(workers)
        started = time.perf_counter()
        post_all(bodies)
        while CaptureJob.objects.filter(running=True).exists():
            assert time.perf_counter() < deadline, "the task workers did not finish in time"
            assert all(w.poll() is None for w in workers), "a task worker stopped"
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        cpu = {name: spent - cpu[name] for name, spent in _cpu(workers).items()}
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    shutil.rmtree(logs)  # kept when the run failed, to be read
    if args.statements:
        _statements(args)
    failed = DBTaskResult.objects.filter(status="FAILED").count()
    assert not failed, f"{failed} task(s) failed"
    _check_stored(args, after)
    share = {}
    runs = DBTaskResult.objects.filter(task_path="txng.epcis.tasks.run_capture")
    for ids in runs.values_list("worker_ids", flat=True):
        for worker_id in ids:
            share[worker_id] = share.get(worker_id, 0) + 1
    return seconds, after, share, cpu


def _cpu(workers):
    """CPU seconds so far of this process (the requests), of the task workers, of PostgreSQL
    (its processes, those ended included) and of the whole machine (everyone's, from
    /proc/stat), to tell the work of capture from the cores it had."""
    from django.db import connection

    tick = os.sysconf("SC_CLK_TCK")

    def process(pid, children=False):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        own = int(fields[11]) + int(fields[12])
        return (own + (int(fields[13]) + int(fields[14]) if children else 0)) / tick

    with connection.cursor() as cur:
        cur.execute("SHOW data_directory")
        (data,) = cur.fetchone()
    postmaster = int(Path(data, "postmaster.pid").read_text().split()[0])
    server = process(postmaster, children=True)  # the ended backends' CPU is counted here
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().rsplit(")", 1)[1].split()[1] == str(postmaster):
                server += process(stat.parent.name)
        except (FileNotFoundError, ProcessLookupError):
            continue
    busy = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    return {
        "requests": time.process_time(),
        "task workers": sum(process(w.pid) for w in workers),
        "PostgreSQL": server,
        "machine": (sum(map(int, busy)) - int(busy[3]) - int(busy[4])) / tick,
    }


def _capture(args, key):
    post_all = _poster(key)
    documents = args.events // args.per_document
    lines = []
    if args.profile:
        after, bodies = _last_event_pk(), _bodies(args, 0)
        started = time.perf_counter()
        _profiled(args, lambda: post_all(bodies))
        seconds = time.perf_counter() - started
        _check_stored(args, after)
        phases = [("capture, request and task halves apart (profiled)", seconds, after)]
    else:
        phases = []
        if args.serial or not args.workers:
            seconds, after = _serial(args, post_all, 0)
            phases.append(
                ("capture inline, serially (one process, no task worker)", seconds, after)
            )
            # The baseline right after the first phase's rows, the database then as large as
            # before the second phase (which runs on a table one phase larger).
            copy_seconds = _copy_baseline(after)
        if args.workers:
            seconds, after, share, cpu = _with_workers(args, post_all, args.events)
            phases.append(
                (f"capture with {args.workers} task workers (manage.py db_worker)", seconds, after)
            )
            lines.append(f"  capture jobs run by each worker: {share}")
            ours = sum(spent for name, spent in cpu.items() if name != "machine")
            lines.append(
                "  CPU per event meanwhile: "
                + ", ".join(
                    f"{name} {spent * 1e6 / args.events:.0f} us"
                    for name, spent in cpu.items()
                    if name != "machine"
                )
                + f" = {ours * 1e6 / args.events:.0f} us; the {os.cpu_count()} cores were busy"
                f" {cpu['machine'] / seconds / os.cpu_count():.0%} of the time"
                f" ({(cpu['machine'] - ours) / seconds:.2f} cores on other work)"
            )
    if len(phases) == 1:
        copy_seconds = _copy_baseline(phases[0][2])
    copy_rate = args.events / copy_seconds
    print(
        f"baseline, one raw COPY stream of {args.events} rows of the first phase into a copy of"
        f" the event table: {copy_seconds:.1f} s = {copy_rate:,.0f} events/s"
    )
    for name, seconds, _after in phases:
        rate = args.events / seconds
        print(
            f"{name}: {args.events} events in {documents} documents of {args.per_document}: "
            f"{seconds:.1f} s = {rate:,.0f} events/s = {rate / copy_rate:.2f}x of one COPY stream"
            " (goal >= 0.3x)"
        )
    for line in lines:
        print(line)
    print(f"load average after the run: {os.getloadavg()[0]:.2f}")


def _copy_baseline(after, runs=3):
    """The rows a phase stored, COPYed by one client into a copy of the event table with the
    same indexes (no trigger, no key row, no identifier rows): the fastest of `runs` COPYs, in
    seconds, so that a slow moment of the machine (on this VM one COPY of 100,000 rows took
    2.5 s in one run and 3.4 s in the next) cannot flatter the ratio."""
    from django.db import connection

    from txng.common import jsontext
    from txng.tracing.models import Event

    rows = list(
        Event.objects.filter(pk__gt=after)
        .order_by("pk")
        .values_list(
            "event_id",
            "type",
            "action",
            "biz_step",
            "disposition",
            "event_time",
            "event_time_zone_offset",
            "record_time",
            "read_point",
            "biz_location",
            "business_id",
            "title",
            "public_detail",
            "document",
        )
    )
    # The documents as JSON text before the clock starts: the baseline is the COPY alone.
    rows = [(*row[:-1], jsontext.dumps(row[-1])) for row in rows]
    timings = [_copy_once(connection, rows) for _ in range(runs)]
    print("  baseline COPY runs: " + ", ".join(f"{t:.2f} s" for t in timings))
    return min(timings)


def _copy_once(connection, rows):
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_event")
        cur.execute("CREATE TABLE bench_event (LIKE tracing_event INCLUDING ALL)")
        # The baseline on a quiet server: after the captures' rows, autovacuum works on the
        # tables for a while (on 2 cores it took a third off the COPY's rate at 100,000 events
        # a phase), and a checkpoint would write their pages in the middle of the COPY.
        cur.execute("CHECKPOINT")
        quiet_by = time.perf_counter() + 300
        while time.perf_counter() < quiet_by:
            cur.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = %s",
                ["autovacuum worker"],
            )
            if not cur.fetchone()[0]:
                break
            time.sleep(0.5)
    raw = connection.connection
    columns = (
        "event_id, type, action, biz_step, disposition, event_time, event_time_zone_offset, "
        "record_time, read_point, biz_location, business_id, title, public_detail, document"
    )
    started = time.perf_counter()
    with raw.cursor() as cur, cur.copy(f"COPY bench_event ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    raw.commit() if not raw.autocommit else None
    return time.perf_counter() - started


def _profiled(args, post_all):
    """Run the request half, then the queued tasks, each under cProfile; then PostgreSQL's
    statements by their total time in the server."""
    import cProfile
    import gc
    import pstats

    from django.db import connection

    from txng.epcis.models import CaptureJob
    from txng.epcis.tasks import run_capture

    with connection.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        cur.execute("SELECT pg_stat_statements_reset()")
        cur.execute("SELECT pg_backend_pid()")
        (backend,) = cur.fetchone()

    def server_cpu():
        """CPU seconds of the PostgreSQL backend serving this process (same machine): what the
        server worked, without the time it waited for a core on a loaded machine."""
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    collecting = {"since": 0.0, "seconds": 0.0}

    def count_collections(phase, info):
        if phase == "start":
            collecting["since"] = time.process_time()
        else:
            collecting["seconds"] += time.process_time() - collecting["since"]

    gc.callbacks.append(count_collections)
    halves = {
        "request (POST /epcis/capture: parse, schema, CBV, job row)": post_all,
        "task (run_capture: hash, duplicate check, rows)": lambda: [
            run_capture.call(pk)
            for pk in CaptureJob.objects.order_by("pk").values_list("pk", flat=True)
        ],
    }
    for name, work in halves.items():
        profile = cProfile.Profile() if args.cprofile else None
        collecting["seconds"] = 0.0
        started, cpu, server = time.perf_counter(), time.process_time(), server_cpu()
        profile.runcall(work) if profile else work()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        server = server_cpu() - server
        print(
            f"\n== {name}: {seconds:.2f} s = {seconds * 1000 / args.events:.3f} ms/event;"
            f" CPU: Python {cpu * 1000 / args.events:.3f} ms/event,"
            f" PostgreSQL {server * 1000 / args.events:.3f} ms/event; the rest waited for a core."
            f" Python's garbage collector took {collecting['seconds'] * 1000 / args.events:.3f}"
            " ms/event of the Python CPU"
        )
        if profile:
            stats = pstats.Stats(profile)
            stats.sort_stats("tottime").print_stats(25)
            _by_module(stats, args.events)
    _statements(args)


def _statements(args):
    """PostgreSQL's statements by their total time in the server since the last reset."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            """SELECT calls, total_exec_time, rows,
                      left(regexp_replace(query, '\\s+', ' ', 'g'), 110)
               FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15"""
        )
        print("\n== PostgreSQL time by statement (server side, pg_stat_statements)")
        for calls, total, rows, text in cur.fetchall():
            print(
                f"{total:9.0f} ms {total / args.events:7.3f} ms/event {calls:6} calls "
                f"{rows:8} rows  {text}"
            )


def _by_module(stats, events):
    """cProfile's own time summed by where the code lives (txng's modules one by one)."""
    totals = {}
    for (path, _line, function), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        if "/txng/" in path:
            where = "txng/" + path.split("/txng/", 1)[1]
        elif "site-packages/" in path:
            where = path.split("site-packages/", 1)[1].split("/", 1)[0]
        elif path == "~":
            where = f"built-in {function}"[:70]
        else:
            where = "python " + Path(path).name
        totals[where] = totals.get(where, 0.0) + own
    print("   own time by module (profiled, so Python-heavy code looks dearer than it is):")
    for where, own in sorted(totals.items(), key=lambda item: -item[1])[:18]:
        print(f"   {own * 1000 / events:7.3f} ms/event  {where}")


GENERATE = """
INSERT INTO tracing_event (event_id, type, action, biz_step, disposition, event_time,
    event_time_zone_offset, record_time, read_point, biz_location, business_id, title,
    public_detail, document)
SELECT 'ni:///sha-256;' || md5(i::text) || md5((-i)::text) || '?ver=CBV2.0',
       'ObjectEvent', 'OBSERVE', 'shipping', 'in_transit', t, '+07:00', t, '', '', %(biz)s,
       'EPCIS ObjectEvent shipping', '',
       jsonb_build_object(
         'type', 'ObjectEvent', 'action', 'OBSERVE', 'bizStep', 'shipping',
         'eventTime', to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
         'eventTimeZoneOffset', '+07:00',
         'epcList', jsonb_build_array(%(epc)s),
         'quantityList',
         jsonb_build_array(jsonb_build_object('epcClass', %(klass)s, 'quantity', 1)))
FROM (SELECT i, timestamptz '2024-01-01 00:00:00+00' + i * interval '30 seconds' AS t,
             893000000000 + i %% 1000 AS gtin, i / 1000 %% 100 AS lot
      FROM generate_series(1, %(n)s) AS i) AS g
"""
EPC = "'https://id.gs1.org/01/0' || gtin || '0/21/S' || i"
CLASS = "'https://id.gs1.org/01/0' || gtin || '0/10/L' || lot"


def _query(args, key, business):
    from django.db import connection
    from django.test import Client

    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_event")
        cur.execute("SELECT coalesce(max(id), 0) FROM tracing_event")
        (before,) = cur.fetchone()
        sql = GENERATE.replace("%(epc)s", EPC).replace("%(klass)s", CLASS)
        cur.execute(sql, {"biz": business.pk, "n": args.stored})
        # The identifier rows capture would write (values are canonical Digital Links already).
        cur.execute(
            """INSERT INTO tracing_eventidentifier (event_id, role, value)
               SELECT id, 'epc', document->'epcList'->>0 FROM tracing_event WHERE id > %(b)s
               UNION ALL
               SELECT id, 'class', document->'quantityList'->0->>'epcClass'
               FROM tracing_event WHERE id > %(b)s""",
            {"b": before},
        )
        cur.execute("ANALYZE")
    print(
        f"generated {args.stored:,} stored events with SQL in {time.perf_counter() - started:.0f} s"
    )
    client = Client()
    headers = {"Authorization": f"Bearer {key}"}
    rng = random.Random(7)
    picks = [rng.randrange(1, args.stored) for _ in range(args.samples)]

    def epc(i):
        return f"https://id.gs1.org/01/0{893000000000 + i % 1000}0/21/S{i}"

    def klass(i):
        return f"https://id.gs1.org/01/0{893000000000 + i % 1000}0/10/L{i // 1000 % 100}"

    def window(i):
        from datetime import UTC, datetime, timedelta

        start = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=30 * i)
        return start.isoformat(), (start + timedelta(hours=1)).isoformat()

    cases = {
        "MATCH_epc": lambda i: f"MATCH_epc={quote(epc(i), safe='')}",
        "MATCH_epcClass": lambda i: f"MATCH_epcClass={quote(klass(i), safe='')}",
        "eventTime range (1 h)": lambda i: "GE_eventTime={}&LT_eventTime={}".format(
            *(quote(t, safe="") for t in window(i))
        ),
    }
    for name, make in cases.items():
        times, counts = [], []
        for i in picks:
            began = time.perf_counter()
            response = client.get(f"/epcis/events?{make(i)}", headers=headers)
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.content
            counts.append(
                len(response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"])
            )
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(
            f"{name}: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms "
            f"(events per answer: median {statistics.median(counts):.0f}; goal p95 < 100 ms)"
        )
        if args.explain:
            print(_plan(make(picks[0])))


def _plan(query_string):
    """The plan of the page query the API runs for `query_string`, as DOST's key runs it."""
    from django.http import QueryDict

    from txng.accounts.models import User
    from txng.epcis import query

    params = QueryDict(query_string)
    events = query.apply(query.visible_events(User.objects.get(username="head")), params)
    column, _direction = query.ordering(params)
    page = events.order_by(column, "pk").only("pk", column, "document")[
        : query.DEFAULT_PER_PAGE + 1
    ]
    return page.explain(analyze=True, buffers=True)


if __name__ == "__main__":
    main()
