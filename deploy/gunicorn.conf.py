"""gunicorn settings (docs/deploy.md): `gunicorn -c deploy/gunicorn.conf.py txng.wsgi`."""

import os
import time

bind = os.environ.get("GUNICORN_BIND", "unix:/run/txng/gunicorn.sock")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
# Threads let a worker serve another request while one waits on PostgreSQL or Redis.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A gthread worker accepts connections until it holds `worker_connections` of them, queued
# behind its busy threads, and a killed worker takes all of them with it. At one connection a
# thread it loses at most one request a thread (not faster under load: docs/scale.md). The
# socket's backlog, min(`backlog` 2048, net.core.somaxconn), is then the only queue: when it is
# full nginx's connect() fails and the request gets a 502. nginx keeps no connections to the
# socket (deploy/nginx-txng.conf), so gunicorn keeps none alive either.
worker_connections = threads
keepalive = 0
# A worker killed or stuck is replaced; a request waits at most this long.
timeout = 60
graceful_timeout = 20
# Recycle workers now and then so a slow leak never grows; jitter keeps them from all
# restarting at once.
max_requests = 20000
max_requests_jitter = 2000
# The app is loaded, and warmed up (when_ready below), once in the master; every worker is
# forked from it warm, and a worker started in place of a killed one serves at once.
preload_app = True
accesslog = "-"
# The app's own log lines (JSON with LOG_FORMAT=json) go where gunicorn's go.
capture_output = True
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}i)s'


def when_ready(server):
    """Before the first worker is forked: URLconf, templates and the apps' one-off work
    (txng/common/warmup.py), which a cold worker's first requests paid for, ~1 s of CPU each."""
    from txng.common.warmup import warm_up

    warm_up()


def child_exit(server, worker):
    # With PROMETHEUS_MULTIPROC_DIR, a dead worker's gauges must not be summed forever.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


# REQUEST_TIMING_LOG=<file> (the load bench sets it; off in production): one line a request with
# its request id, its time in the worker, the CPU its thread used and the time spent in database
# queries, so that a slow request can be told apart: working, waiting on PostgreSQL, or waiting
# for a CPU or the GIL.
TIMING_LOG = os.environ.get("REQUEST_TIMING_LOG")


def _database_timer(totals):
    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            totals[0] += time.perf_counter() - started
            totals[1] += 1

    return timer


def pre_request(worker, req):
    if not TIMING_LOG:
        return
    from django.db import connections

    # The hooks run in the thread that serves the request, so its connections are this
    # request's, and its thread time is this request's CPU.
    totals = [0.0, 0]
    timer = _database_timer(totals)
    for connection in connections.all(initialized_only=False):
        connection.execute_wrappers.append(timer)
    req.txng_timing = (time.perf_counter(), time.thread_time(), totals, timer)


def post_request(worker, req, environ, resp):
    timing = getattr(req, "txng_timing", None)
    if timing is None:
        return
    from django.db import connections

    started, cpu_started, (db_seconds, queries), timer = timing
    for connection in connections.all(initialized_only=False):
        if timer in connection.execute_wrappers:
            connection.execute_wrappers.remove(timer)
    rid = next((v for k, v in req.headers if k == "X-REQUEST-ID"), "-")
    line = (
        f"{rid} {1000 * (time.perf_counter() - started):.1f}"
        f" {1000 * (time.thread_time() - cpu_started):.1f} {1000 * db_seconds:.1f} {queries}"
        f" {os.getpid()}\n"
    )
    # One write of a short line to a file opened for appending: lines of several workers and
    # threads never interleave.
    fd = os.open(TIMING_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)
