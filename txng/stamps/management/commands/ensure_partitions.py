from django.core.management.base import BaseCommand

from txng.stamps.tasks import ensure_scan_partitions
from txng.tracing.tasks import ensure_event_partitions


class Command(BaseCommand):
    help = (
        "Make this month's and the next two months' partitions of the scan log and of the event "
        "table (PostgreSQL; run daily: a month must exist before its first scan or event, or "
        "they wait in the default partition: scans until this runs, events for good)."
    )

    def handle(self, *args, **options):
        made = ensure_scan_partitions() + ensure_event_partitions()
        self.stdout.write(f"{len(made)} partition(s) made: {' '.join(made)}".rstrip(": "))
