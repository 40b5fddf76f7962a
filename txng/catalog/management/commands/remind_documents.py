from django.core.management.base import BaseCommand

from txng.catalog import actions


class Command(BaseCommand):
    help = "Remind owners of documents that expire within 30 days (once per document; cron daily)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, days, **options):
        count = actions.remind_expiring_documents(days=days)
        self.stdout.write(f"{count} reminder(s) sent")
