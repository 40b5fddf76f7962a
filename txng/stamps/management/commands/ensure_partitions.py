import logging

from django.core.management.base import BaseCommand, CommandError

from txng.stamps.tasks import ensure_scan_partitions
from txng.tracing.tasks import ensure_event_partitions

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Make this month's and the next two months' partitions of the scan log and of the event "
        "table (PostgreSQL; run daily: a month must exist before its first scan or event, or "
        "they wait in the default partition: scans until this runs, events for good). Each "
        "table is done even if the other fails; the command then exits non-zero."
    )

    def handle(self, *args, **options):
        made, failed = [], []
        # Each table on its own: a scan log that cannot be extended must not keep the event
        # table from getting its months (events that land in its default partition stay there
        # for good).
        steps = (("scan log", ensure_scan_partitions), ("events", ensure_event_partitions))
        for name, step in steps:
            try:
                made += step()
            except Exception as exc:  # noqa: BLE001 - reported below, and the other table is done
                logger.exception("ensure_partitions: the %s failed", name)
                failed.append(f"{name}: {exc}")
        self.stdout.write(f"{len(made)} partition(s) made: {' '.join(made)}".rstrip(": "))
        if failed:
            raise CommandError("partitions not made for " + "; ".join(failed))
