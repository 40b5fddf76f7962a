"""Tasks a killed task worker left RUNNING are run again when that worker starts once more.

django-tasks' database worker marks a task RUNNING when it claims it and SUCCESSFUL or FAILED when
it ends; a worker killed in between (kill -9, out of memory, the machine lost) leaves the row
RUNNING for ever, so what was acknowledged to a user as queued (an EPCIS capture, a print order)
would never happen. Each worker runs under a stable id (the unit's `--worker-id`); when it starts,
the rows still RUNNING under its own id cannot be running anywhere else and are made READY again
("ready to be executed again", in django-tasks' own words). A task that has already been picked
up MAX_RUNS times is marked FAILED instead, so one that kills its worker cannot do so for ever.

Every task that changes the database is written to be run again safely: it checks the state it
acts on (a capture job already finished, an order already made), so a rerun stores nothing
twice; bench/load.py counts the stored effects to prove it. Tasks that reach outside are
at-least-once, not exactly-once: a worker killed after a subscription's webhook, a delivery to
the national hub or an e-mail went out, but before its outcome was saved, sends it again when
the task is rerun, so a receiver may get the same message twice.
"""

from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

MAX_RUNS = 3


class WorkerLost(Exception):
    """Recorded on a task given up after its worker stopped during each of its runs."""


@transaction.atomic
def requeue_orphans(worker_id):
    """Returns (ids made READY again, ids given up as FAILED)."""
    requeued, failed = [], []
    rows = DBTaskResult.objects.select_for_update().filter(status=TaskResultStatus.RUNNING)
    for row in rows:
        if not row.worker_ids or row.worker_ids[-1] != worker_id:
            continue  # another worker's: it may be running right now
        if len(row.worker_ids) >= MAX_RUNS:
            row.status = TaskResultStatus.FAILED
            row.finished_at = timezone.now()
            row.exception_class_path = f"{__name__}.WorkerLost"
            row.traceback = f"the worker {worker_id} stopped during each of {MAX_RUNS} runs"
            row.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
            failed.append(row.pk)
        else:
            row.status = TaskResultStatus.READY
            row.started_at = None
            row.save(update_fields=["status", "started_at"])
            requeued.append(row.pk)
    return requeued, failed
