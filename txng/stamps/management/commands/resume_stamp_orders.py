from django.core.management.base import BaseCommand

from txng.stamps.tasks import resume_stalled


class Command(BaseCommand):
    help = "Re-queue approved stamp orders left unfinished by a stopped worker (run at start)."

    def handle(self, *args, **options):
        resumed = resume_stalled()
        self.stdout.write(f"resumed {len(resumed)} order(s): {resumed}")
