"""The faults bench/load.py injects during a run. Everything acts on the production check's own
processes, found through the pid files in its folder (--run-dir) and /proc (no procps needed),
never by name."""

import os
import signal
import subprocess
import threading
import time


def _read(path):
    with open(path) as f:
        return f.read()


def _stat_parent(pid):
    try:
        return _read(f"/proc/{pid}/stat").rsplit(")", 1)[1].split()[1]
    except (OSError, IndexError):
        return None


# Tasks whose effects bench/load_verify.py counts: the worker is best killed inside one of them.
COUNTED_TASKS = ("txng.epcis.tasks.run_capture", "txng.stamps.tasks.generate_order")


def _wait_for_running_task(seconds):
    """(path, worker id) of a task running now: one whose effect is counted if one starts
    within `seconds`, else any task in the next 5 s; (None, None) if the workers stayed idle."""
    import psycopg

    query = (
        "SELECT task_path, worker_ids->>-1 FROM django_tasks_database_dbtaskresult"
        " WHERE status = 'RUNNING' AND (%s OR task_path = ANY(%s)) LIMIT 1"
    )
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        for any_task, wait in ((False, seconds), (True, 5)):
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                row = conn.execute(query, [any_task, list(COUNTED_TASKS)]).fetchone()
                if row:
                    return row
                time.sleep(0.02)
    return None, None


def faults(args, context, deadline, report, wait_healthy):
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
        # The hard case: the worker killed while it runs a task (waiting up to 15 s for one),
        # so that the task must be run again, and its effect must still show once.
        # The check runs several (check-worker-1 … -N, run/worker-N.pid): the one running it.
        running, worker_id = _wait_for_running_task(15)
        number = (worker_id or "check-worker-1").rsplit("-", 1)[1]
        os.kill(int(_read(f"{run}/run/worker-{number}.pid")), signal.SIGKILL)
        print(
            f"  (task worker {number} was killed while running: {running or 'no task'})",
            flush=True,
        )

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
    # Each fault at its planned time (1/5 .. 4/5 of the run) whatever the previous one's
    # recovery took: on a saturated machine the probe waits in the same queue as the users, and
    # a fault that waited for it would fall after the load had ended.
    span = deadline - time.monotonic()
    probes = []
    for n, (name, action) in enumerate(plan, start=1):
        time.sleep(max(0, (deadline - span + span * n / (len(plan) + 1)) - time.monotonic()))
        started = time.monotonic()
        action()
        probe = threading.Thread(
            target=_probe, args=(name, started, report, wait_healthy, args, context)
        )
        probe.start()
        probes.append(probe)
    for probe in probes:
        probe.join()
    report.sort(key=lambda fault: fault[1])


def _probe(name, started, report, wait_healthy, args, context):
    recovered = wait_healthy(args.base, context, started)
    report.append((name, started, recovered))
    print(
        f"  fault: {name}: /healthz 200 again after {recovered:.2f} s"
        if recovered is not None
        else f"  fault: {name}: NOT recovered within 120 s",
        flush=True,
    )
