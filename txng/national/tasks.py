"""The delivery task for the django-tasks worker (`manage.py db_worker`, run by `make worker` and
`make demo`). Each change wakes it on commit; while rows wait for a retry or a hub's breaker, it
queues itself again for when the earliest is due, so nothing depends on a new change arriving."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from txng.national.deliver import next_wake, run_once


def _already_queued(when):
    """A deliver_due already waiting to run by `when`: a second one would only add a wake-up."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another tasks backend
        return False
    return DBTaskResult.objects.filter(
        task_path=f"{__name__}.deliver_due", status="READY", run_after__lte=when
    ).exists()


# Rows can be due yet unable to go: behind a dead letter of the same record, or waiting for a
# person to confirm a hand upload. A pass that sent nothing comes back no sooner than this, or
# the task would run again at once, forever; a new change wakes it sooner.
IDLE_SECONDS = 30


@task()
def deliver_due():
    handled = run_once()
    wake = next_wake()
    if wake is not None:
        wake = max(wake, timezone.now() + timedelta(seconds=0 if handled else IDLE_SECONDS))
        if not _already_queued(wake):
            deliver_due.using(run_after=wake).enqueue()
