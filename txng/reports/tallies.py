"""Daily tallies behind the dashboards, rewritten from the source tables by a periodic task.

Each refresh recomputes the days from the last tallied day on (that day may have been partial)
with one INSERT ... SELECT per metric, grouped in the database: nothing is counted in Python,
so the first run over ten million scans takes as long as one GROUP BY over them."""

from datetime import datetime, time

from django.db import connection, transaction
from django.db.models import Count, F, Max
from django.db.models.functions import TruncDate
from django.utils import timezone

from txng.reports.models import Metric, Tally


def _sources():
    # Imported here: these apps sit below reports, and only the refresh needs them.
    from txng.stamps.models import Scan, Stamp
    from txng.tracing.models import Event, Lot

    return {
        Metric.SCANS: (Scan.objects.filter(counted=True, business__isnull=False), "at", "business"),
        Metric.LOTS: (Lot.objects.all(), "created_at", "business"),
        Metric.EVENTS: (Event.objects.all(), "record_time", "business"),
        Metric.ACTIVATIONS: (
            Stamp.objects.filter(activated_at__isnull=False),
            "activated_at",
            "order__business",
        ),
    }


def refresh(metrics=None, *, full=False):
    """Rewrite the tallies from the last tallied day (or from the start, `full`). Returns the
    number of rows written."""
    written = 0
    for metric, (qs, time_field, business_field) in _sources().items():
        if metrics and metric not in metrics:
            continue
        written += _refresh_metric(metric, qs, time_field, business_field, full=full)
    return written


def _refresh_metric(metric, qs, time_field, business_field, *, full):
    last = None if full else Tally.objects.filter(metric=metric).aggregate(d=Max("day"))["d"]
    grouped = qs.annotate(tally_day=TruncDate(time_field), tally_business=F(business_field)).filter(
        **{f"{business_field}__isnull": False}
    )
    if last is not None:
        # From the start of the last tallied day, local time: TruncDate works in the current
        # time zone, so the boundary must be the same local midnight.
        # The raw time bound lets the database use the time column's index.
        midnight = datetime.combine(last, time.min, tzinfo=timezone.get_current_timezone())
        grouped = grouped.filter(**{f"{time_field}__gte": midnight}, tally_day__gte=last)
    grouped = grouped.values("tally_day", "tally_business").annotate(n=Count("pk")).order_by()
    sql, params = grouped.query.sql_with_params()
    table = Tally._meta.db_table
    with transaction.atomic():
        stale = Tally.objects.filter(metric=metric)
        if last is not None:
            stale = stale.filter(day__gte=last)
        stale.delete()
        # The table name is the model's and the subquery the ORM's own SQL with its parameters
        # kept apart: nothing typed by anyone is pasted into the statement.
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (metric, day, business_id, value) "  # noqa: S608
                f"SELECT %s, t.tally_day, t.tally_business, t.n "
                f"FROM ({sql}) t",
                (metric, *params),
            )
            written = cursor.rowcount
            since = "" if last is None else "AND day >= %s"
            cursor.execute(
                f"INSERT INTO {table} (metric, day, business_id, value) "  # noqa: S608
                f"SELECT metric, day, NULL, SUM(value) FROM {table} "
                f"WHERE metric = %s AND business_id IS NOT NULL {since} GROUP BY metric, day",
                (metric,) if last is None else (metric, last),
            )
    return written + max(cursor.rowcount, 0)
