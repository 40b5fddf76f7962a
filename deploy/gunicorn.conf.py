"""gunicorn settings (docs/deploy.md): `gunicorn -c deploy/gunicorn.conf.py txng.wsgi`."""

import os

bind = os.environ.get("GUNICORN_BIND", "unix:/run/txng/gunicorn.sock")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
# Threads let a worker serve another request while one waits on PostgreSQL or Redis.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A worker killed or stuck is replaced; a request waits at most this long.
timeout = 60
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak never grows; jitter keeps them from all
# restarting at once.
max_requests = 20000
max_requests_jitter = 2000
accesslog = "-"
# The app's own log lines (JSON with LOG_FORMAT=json) go where gunicorn's go.
capture_output = True
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}i)s'


def child_exit(server, worker):
    # With PROMETHEUS_MULTIPROC_DIR, a dead worker's gauges must not be summed forever.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
