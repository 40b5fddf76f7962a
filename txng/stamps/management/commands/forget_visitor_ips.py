from django.core.management.base import BaseCommand

from txng.stamps.scans import forget_visitor_ips


class Command(BaseCommand):
    help = (
        "Blank the hashed IPs of scans and fake reports older than VISITOR_IP_DAYS (cron daily). "
        "Looks back 30 days before that; --all sweeps everything (a first run, a long pause)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="no look-back limit")

    def handle(self, *args, all, **options):
        scans, reports = forget_visitor_ips(window_days=None if all else 30)
        self.stdout.write(f"{scans} scan(s), {reports} fake report(s): IP hash removed")
