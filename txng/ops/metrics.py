"""Prometheus metrics: django-prometheus counts requests, latencies and errors in every process
(with PROMETHEUS_MULTIPROC_DIR set, gunicorn's workers share one view); this module adds the
figures read from the database at scrape time: the task queue's depth by state, the scans of
the last minute and each national hub's outbox (rows waiting to go, rows given up on)."""

import hmac
import os
from datetime import timedelta

import prometheus_client
from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily

TASK_STATES = ("READY", "RUNNING", "FAILED", "SUCCESSFUL")


def database_figures():
    """{name: value} of what the status page and the metrics both show."""
    from django_tasks_db.models import DBTaskResult

    from txng.stamps.models import Scan

    since = timezone.now() - timedelta(minutes=1)
    figures = {f"tasks_{state.lower()}": 0 for state in TASK_STATES}
    for row in DBTaskResult.objects.values("status").order_by().annotate(n=_count()):
        figures[f"tasks_{row['status'].lower()}"] = row["n"]
    figures["scans_last_minute"] = Scan.objects.filter(at__gte=since).count()
    return figures


def _count():
    from django.db.models import Count

    return Count("pk")


class DatabaseCollector:
    def collect(self):
        figures = database_figures()
        tasks = GaugeMetricFamily("txng_tasks", "Background tasks by state", labels=["state"])
        for state in TASK_STATES:
            tasks.add_metric([state], figures[f"tasks_{state.lower()}"])
        yield tasks
        yield GaugeMetricFamily(
            "txng_scans_last_minute",
            "Consumer scans recorded in the last minute",
            value=figures["scans_last_minute"],
        )
        yield from outbox_gauges()


def outbox_gauges():
    """Per hub, as the hubs page counts them (national.status): the rows still on their way
    (waiting, sending, sent and not yet accepted) and those that need a person (dead, refused).
    A turned-off hub is listed too: its queue grows while it is off."""
    from txng.national.status import hubs_with_counts

    waiting = GaugeMetricFamily(
        "txng_national_outbox_waiting",
        "Outbox rows not yet accepted by the national hub",
        labels=["hub", "enabled"],
    )
    dead = GaugeMetricFamily(
        "txng_national_outbox_dead",
        "Outbox rows the national hub refused or that could not be sent",
        labels=["hub", "enabled"],
    )
    for hub in hubs_with_counts().order_by("code"):
        labels = [hub.code, "1" if hub.enabled else "0"]
        waiting.add_metric(labels, hub.queue)
        dead.add_metric(labels, hub.dead)
    yield waiting
    yield dead


def metrics_view(request):
    """/metrics for a scraper with `Authorization: Bearer METRICS_TOKEN`; 404 to anyone else,
    and when no token is set (the endpoint is off)."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        raise Http404
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = prometheus_client.REGISTRY
    own = prometheus_client.CollectorRegistry()
    own.register(DatabaseCollector())
    body = prometheus_client.generate_latest(registry) + prometheus_client.generate_latest(own)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
