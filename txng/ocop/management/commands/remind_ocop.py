from django.core.management.base import BaseCommand

from txng.ocop import actions


class Command(BaseCommand):
    help = "Remind businesses 90 and 30 days before an OCOP result expires (cron daily)."

    def handle(self, *args, **options):
        count = actions.remind_expiring()
        self.stdout.write(f"{count} reminder(s) sent")
