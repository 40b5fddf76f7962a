from django.core.management.base import BaseCommand

from txng.feedback.notifications import send_digests


class Command(BaseCommand):
    help = "Mail each user the day's notices of the kinds they chose as a digest (cron daily)."

    def handle(self, *args, **options):
        self.stdout.write(f"{send_digests()} digest(s) sent")
