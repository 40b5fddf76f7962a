from django.core.management.base import BaseCommand

from txng.reports import tallies


class Command(BaseCommand):
    help = "Rewrite the dashboards' daily tallies from the last tallied day (cron every 10 min)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="recount from the first day")

    def handle(self, *args, full=False, **options):
        self.stdout.write(f"{tallies.refresh(full=full)} tally row(s) written")
