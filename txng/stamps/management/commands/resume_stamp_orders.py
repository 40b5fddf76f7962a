from django.core.management.base import BaseCommand

from txng.stamps.tasks import resume_stalled


class Command(BaseCommand):
    help = "Re-queue approved stamp orders left unfinished by a stopped worker (run at start)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--worker-id",
            help="the starting instance's id: orders whose task runs under another id are left",
        )

    def handle(self, *args, **options):
        resumed = resume_stalled(options["worker_id"])
        self.stdout.write(f"resumed {len(resumed)} order(s): {resumed}")
