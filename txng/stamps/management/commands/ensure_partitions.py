from django.core.management.base import BaseCommand

from txng.stamps.tasks import ensure_scan_partitions


class Command(BaseCommand):
    help = (
        "Make this month's and the next two months' partitions of the scan log (PostgreSQL; run "
        "daily: a month must exist before its first scan, or its scans wait in the default "
        "partition until this runs)."
    )

    def handle(self, *args, **options):
        made = ensure_scan_partitions()
        self.stdout.write(f"{len(made)} partition(s) made: {' '.join(made)}".rstrip(": "))
