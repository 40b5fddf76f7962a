from django.core.management.base import BaseCommand

from txng.reports import actions


class Command(BaseCommand):
    help = "Remind agencies of reports due in 10 and 3 days (cron daily)."

    def handle(self, *args, **options):
        self.stdout.write(f"{actions.send_reminders()} reminder(s) sent")
