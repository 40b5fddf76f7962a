"""The faults bench/load.py injects during a run, and the CPU each server's processes used
(read from /proc: no procps needed). Everything acts on the production check's own processes,
found through the pid files in its folder (--run-dir), never by name."""

import os
import signal
import subprocess
import time


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
        report.append((name, started, recovered))
        print(
            f"  fault: {name}: /healthz 200 again after {recovered:.2f} s"
            if recovered is not None
            else f"  fault: {name}: NOT recovered",
            flush=True,
        )
