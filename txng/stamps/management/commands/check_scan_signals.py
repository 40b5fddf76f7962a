from django.core.management.base import BaseCommand

from txng.stamps.scans import check_signals


class Command(BaseCommand):
    help = (
        "Raise the counterfeit signals that the last day's scans call for (cron every few "
        "minutes): stamps scanned past STAMP_SCAN_THRESHOLD, voided or unknown codes scanned "
        "STAMP_REPEAT_THRESHOLD times within a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="how far back to look")

    def handle(self, *args, hours, **options):
        raised = check_signals(hours=hours)
        self.stdout.write(f"{len(raised)} signal(s) raised")
