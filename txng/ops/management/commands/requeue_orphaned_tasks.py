from django.core.management.base import BaseCommand

from txng.ops.tasks_recovery import requeue_orphans


class Command(BaseCommand):
    help = (
        "Make the tasks this worker id left RUNNING when it was stopped READY again (run before "
        "`db_worker --worker-id` with the same id)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--worker-id", required=True)

    def handle(self, *args, worker_id, **options):
        requeued, failed = requeue_orphans(worker_id)
        self.stdout.write(
            f"{worker_id}: {len(requeued)} task(s) queued again, {len(failed)} given up: "
            f"{[str(pk) for pk in requeued + failed]}"
        )
