"""What bench/load.py prints about where the time went: latencies per kind for the whole run
and outside the fault windows, the offered and achieved rates and how late the generator
was, each request's time split by the logs of the servers it went through, and the CPU each
process used during the run.

The split joins three records of one request by the request id nginx gives it (the app
echoes it back as X-Request-ID):
- the client's time (bench/load.py, from sending the request to the last byte read);
- nginx's `$request_time` (first byte read from the client to the last byte sent) and
  `$upstream_response_time` (connecting to gunicorn's socket to the last byte of its answer),
  from the check's log format `timing`;
- the worker's own time, its thread's CPU time and the time spent in database queries
  (deploy/gunicorn.conf.py with REQUEST_TIMING_LOG).
So: client − nginx is the generator's own share (its TLS and Python, waiting for a CPU);
nginx − upstream is nginx's; upstream − worker is the wait in gunicorn's queue (no free
thread); and the worker's time is CPU, database, and the rest (waiting for a CPU or the GIL,
Redis)."""

import os
import re
import statistics
import threading
import time
from collections import defaultdict


def quantiles(values):
    """(p50, p95, p99) of a list, or None."""
    if not values:
        return None
    if len(values) == 1:
        return values * 3
    q = statistics.quantiles(sorted(values), n=100, method="inclusive")
    return q[49], q[94], q[98]


# CPU per process tree ---------------------------------------------------------------------


def _stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return fields[1], sum(int(x) for x in fields[11:15])  # parent, utime+stime+cutime+cstime


def _machine_busy():
    """Jiffies all CPUs spent on anything but idle and iowait, since boot."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    return sum(values) - values[3] - values[4]


class CpuSampler(threading.Thread):
    """CPU used during the run by each server's process tree (found from the check's pid files,
    never by name), the generator itself, and the whole machine (the rest: other people's work
    on the same cores). Sampled every second, so that a server restarted by a fault is counted
    before and after (only its last second before the restart is lost)."""

    def __init__(self, run):
        super().__init__(daemon=True)
        self.masters = {
            "gunicorn": f"{run}/run/gunicorn.pid",
            "postgresql": f"{run}/pg/primary/postmaster.pid",
            "replica": f"{run}/pg/replica/postmaster.pid",
            "nginx": f"{run}/nginx/nginx.pid",
            "redis": f"{run}/run/redis.pid",
            "task worker": f"{run}/run/supervise-worker.pid",
            "S3 stand-in": f"{run}/run/moto.pid",
        }
        self.tick = os.sysconf("SC_CLK_TCK")
        self.current = {}  # name -> (master pid, jiffies at its first sample, latest jiffies)
        self.banked = defaultdict(int)
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.started_at = None

    def _trees(self):
        children, jiffies = defaultdict(list), {}
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    parent, used = _stat(pid)
                except (OSError, IndexError):
                    continue
                children[parent].append(pid)
                jiffies[pid] = used
        return children, jiffies

    def _tree_jiffies(self, master, children, jiffies):
        total, todo = 0, [master]
        while todo:
            pid = todo.pop()
            total += jiffies.get(pid, 0)
            todo.extend(children.get(pid, []))
        return total

    def sample(self, first=False):
        children, jiffies = self._trees()
        with self.lock:
            for name, path in self.masters.items():
                try:
                    with open(path) as f:
                        master = f.read().split()[0]
                except (OSError, IndexError):
                    continue
                if master not in jiffies:
                    continue
                used = self._tree_jiffies(master, children, jiffies)
                previous = self.current.get(name)
                if previous is None or previous[0] != master:
                    if previous is not None:
                        self.banked[name] += previous[2] - previous[1]
                    # A server started during the run used all its CPU within it.
                    self.current[name] = (master, used if first else 0, used)
                else:
                    self.current[name] = (master, previous[1], used)
            own = str(os.getpid())
            now = (jiffies.get(own, 0), _machine_busy())
            if first:
                self.own_start, self.started_at = now, time.monotonic()
            self.own_now = now

    def run(self):
        self.sample(first=True)
        while not self.stopping.wait(1.0):
            self.sample()

    def stop(self):
        self.stopping.set()
        self.join()
        self.sample()

    def seconds(self):
        """{name: CPU seconds used during the run}, with 'load generator', 'all processes of
        the machine' and the wall time."""
        with self.lock:
            used = {
                name: (self.banked[name] + latest - start) / self.tick
                for name, (_m, start, latest) in self.current.items()
            }
            used["load generator"] = (self.own_now[0] - self.own_start[0]) / self.tick
            machine = (self.own_now[1] - self.own_start[1]) / self.tick
        return used, machine, time.monotonic() - self.started_at


def print_cpu(sampler, requests):
    used, machine, wall = sampler.seconds()
    ours = sum(used.values())
    print(
        f"CPU during the run ({wall:.0f} s wall, {os.cpu_count()} cores, load average"
        f" {os.getloadavg()[0]:.1f} at the end):"
    )
    print(f"  {'process':<26}{'CPU s':>8}{'cores':>7}{'ms/request':>12}")
    rows = sorted(used.items(), key=lambda item: -item[1])
    rows += [("(everything else running)", max(0.0, machine - ours)), ("whole machine", machine)]
    for name, seconds in rows:
        print(
            f"  {name:<26}{seconds:>8.1f}{seconds / wall:>7.2f}"
            f"{1000 * seconds / max(1, requests):>12.1f}"
        )
    servers = sum(s for n, s in used.items() if n not in ("load generator", "S3 stand-in"))
    if requests:
        per = 1000 * servers / requests
        print(
            f"  servers of the site (all above but the generator and S3): {per:.1f} ms a request,"
            f" so one core serves about {1000 / per:.0f} req/s of this mix"
        )


# Joining the servers' logs ----------------------------------------------------------------

NGINX_LINE = re.compile(
    r'rid=(?P<rid>\S+) st=(?P<status>\d+) rt=(?P<rt>[\d.]+) urt="(?P<urt>[^"]*)"'
)


def _seconds(value):
    """nginx's upstream time: '-' when none, 'a, b' when the request was sent twice."""
    parts = [p.strip() for p in value.replace(":", ",").split(",")]
    numbers = [float(p) for p in parts if p and p != "-"]
    return sum(numbers) if numbers else None


def _upstream_tries(value):
    """How many upstream servers nginx sent the request to: proxy_next_upstream sends it to
    the next one after an error (a worker killed, a refused connect), writing 'a, b'."""
    return value.count(",") + 1


def read_nginx(path):
    """{request id: (nginx's ms, upstream seconds or None, upstream tries)}"""
    found = {}
    try:
        with open(path, errors="replace") as f:
            for line in f:
                m = NGINX_LINE.search(line)
                if m:
                    urt = m["urt"]
                    found[m["rid"]] = (float(m["rt"]) * 1000, _seconds(urt), _upstream_tries(urt))
    except OSError:
        pass
    return found


def read_worker_timing(path):
    found = {}
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 5:
                    found[parts[0]] = tuple(float(p) for p in parts[1:4])
    except OSError:
        pass
    return found


PARTS = ("generator", "nginx", "gunicorn queue", "app CPU", "app database", "app waiting")


def split(attempts, nginx, worker):
    """{kind: [(client ms, {part: ms})]} for the attempts found in both logs."""
    by_kind = defaultdict(list)
    for kind, rid, client_ms in attempts:
        if rid not in nginx or rid not in worker:
            continue
        request_ms, upstream, _tries = nginx[rid]
        wall, cpu, database = worker[rid]
        upstream_ms = 1000 * upstream if upstream is not None else request_ms
        parts = {
            "generator": max(0.0, client_ms - request_ms),
            "nginx": max(0.0, request_ms - upstream_ms),
            "gunicorn queue": max(0.0, upstream_ms - wall),
            "app CPU": cpu,
            "app database": database,
            "app waiting": max(0.0, wall - cpu - database),
        }
        by_kind[kind].append((client_ms, parts))
    return by_kind


def nginx_resends(attempts, nginx):
    """{kind: requests nginx sent again to another worker}: the client sees one answer, so
    these retries show only in nginx's log."""
    resent = defaultdict(int)
    for kind, rid, _client_ms in attempts:
        if rid in nginx:
            resent[kind] += nginx[rid][2] - 1
    return resent


def print_split(attempts, nginx_log, worker_log):
    nginx, worker = read_nginx(nginx_log), read_worker_timing(worker_log)
    by_kind = split(attempts, nginx, worker)
    resent = nginx_resends(attempts, nginx)
    print(
        "\nSent again by nginx to another worker (proxy_next_upstream; not in 'resent' above): "
        + (", ".join(f"{k} {n}" for k, n in sorted(resent.items()) if n) or "none")
        + f"; {sum(resent.values())} in all"
    )
    joined = sum(len(v) for v in by_kind.values())
    print(
        f"\nWhere the time went (mean ms a request; {joined} of {len(attempts)} answered requests"
        " found in nginx's and the workers' logs):"
    )
    header = "".join(f"{p:>10}" for p in ("client", "generator", "nginx", "gunicorn", "app CPU"))
    print(f"{'kind':<10}{header}{'app DB':>10}{'app wait':>10}")
    print(f"{'':<10}{'':>10}{'':>10}{'':>10}{'queue':>10}")

    def row(label, items):
        if not items:
            return
        n = len(items)
        means = [sum(i[1][p] for i in items) / n for p in PARTS]
        client = sum(i[0] for i in items) / n
        print(f"{label:<10}{client:>10.1f}" + "".join(f"{m:>10.1f}" for m in means))

    everything = []
    for kind in sorted(by_kind):
        row(kind, by_kind[kind])
        everything += by_kind[kind]
    row("all", everything)
    if everything:
        slowest = sorted(everything, key=lambda i: i[0])[-max(1, len(everything) // 20) :]
        row("slowest5%", slowest)
    print(
        "  generator = client − nginx's $request_time; nginx = $request_time −"
        " $upstream_response_time; gunicorn queue = upstream − the worker's time; app wait ="
        " the worker's time − its CPU − its queries (a CPU or the GIL, Redis)"
    )


# Latencies, rates, schedule ---------------------------------------------------------------


def overlaps(start, end, windows):
    return any(start <= w_end and end >= w_start for _n, w_start, w_end in windows)


def print_latencies(records, seconds, deadline, windows, retried):
    """records: (kind, started, ms, ok) with monotonic times; windows: (name, start, end).
    The rates count the answers that came before the deadline."""
    print(
        f"{'kind':<10}{'requests':>9}{'req/s':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
        f"{'errors':>8}{'resent':>8} | {'outside faults: n':>17}{'p50':>7}{'p95':>7}"
        f"{'p99':>7}{'err':>5}"
    )
    kinds = sorted({r[0] for r in records})
    totals = [0, 0]
    for kind in kinds + ["all"]:
        mine = [r for r in records if kind in ("all", r[0])]
        quiet = [r for r in mine if not overlaps(r[1], r[1] + r[2] / 1000, windows)]
        errors = sum(1 for r in mine if not r[3])
        answered = sum(1 for r in mine if r[1] + r[2] / 1000 <= deadline)
        quiet_errors = sum(1 for r in quiet if not r[3])
        q = quantiles([r[2] for r in mine])
        qq = quantiles([r[2] for r in quiet]) or (0, 0, 0)
        resent = sum(retried.values()) if kind == "all" else retried.get(kind, 0)
        if kind != "all":
            totals = [totals[0] + len(mine), totals[1] + errors]
        print(
            f"{kind:<10}{len(mine):>9}{answered / seconds:>7.1f}{q[0]:>8.0f}{q[1]:>8.0f}"
            f"{q[2]:>8.0f}{errors:>8}{resent:>8} | {len(quiet):>17}{qq[0]:>7.0f}"
            f"{qq[1]:>7.0f}{qq[2]:>7.0f}{quiet_errors:>5}"
        )
    late = sum(1 for r in records if r[1] + r[2] / 1000 > deadline)
    print(
        f"req/s: answers received before the run's end per second ({late} came after it);"
        " 'outside faults': requests that overlap no fault's window; 'resent': the whole run's"
    )
    return totals[0], totals[1]


def print_schedule(schedule, seconds, users):
    """schedule: per user action (due, started, overslept): due is when the user meant to act,
    overslept how much later than asked the generator woke it (its own lateness)."""
    due = [s for s in schedule if s[0] is not None]
    started = [s for s in due if s[1] is not None]
    behind = [1000 * (s[1] - s[0]) for s in started]
    overslept = [1000 * s[2] for s in started if s[2] is not None]
    q_behind = quantiles(behind) or (0, 0, 0)
    q_over = quantiles(overslept) or (0, 0, 0)
    print(
        f"offered {len(due) / seconds:.1f} user actions/s ({len(due)} due in {seconds} s by"
        f" {users} users' think times), started {len(started) / seconds:.1f}/s"
        f" ({len(due) - len(started)} never started: their user was still waiting)"
    )
    print(
        f"  actions started late because their user still waited for an answer: p50"
        f" {q_behind[0]:.0f} ms, p95 {q_behind[1]:.0f} ms, max {max(behind or [0]):.0f} ms"
    )
    print(
        f"  the generator's own lateness (woke later than it asked): p50 {q_over[0]:.1f} ms,"
        f" p95 {q_over[1]:.1f} ms, max {max(overslept or [0]):.0f} ms"
        + ("  <- the generator could not keep its schedule" if q_over[1] > 50 else "")
    )
