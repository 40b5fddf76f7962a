"""Background work of the EPCIS binding: capture jobs, subscription deliveries, and the daily
purge of the documents of finished capture jobs."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task

from txng.audit.actions import record
from txng.common import jsontext
from txng.epcis import capture
from txng.epcis.audit_actions import AuditAction
from txng.epcis.models import CaptureJob


def start_capture(*, key, document, text=None, error_behaviour="rollback", queue=True):
    """Keep the document (its JSON `text`, else written from it) as a job and queue it, in one
    transaction: the worker sees the job only once it is stored, and a job is never stored
    without its task."""
    with transaction.atomic():
        job = CaptureJob.objects.create(
            organisation=key.organisation,
            api_key=key,
            document=jsontext.dumps(document) if text is None else text,
            error_behaviour=error_behaviour,
        )
        record(
            key.created_by,
            AuditAction.CAPTURE,
            job,
            changes={"events": [None, len(capture.document_events(document))]},
        )
        if queue:
            run_capture.enqueue(job.pk)
    return job


@task()
def run_capture(job_id):
    job = CaptureJob.objects.select_related("organisation", "api_key__created_by").get(pk=job_id)
    if not job.running:
        return  # a retried task: the job was finished already
    # Subscribers are told once the events and the job's final state are committed together.
    try:
        capture.run(job, on_captured=notify_subscribers.enqueue)
    except Exception:
        # Left running, the job would be polled for ever: the task fails, the job says so.
        capture.fail(job)
        raise
    transaction.on_commit(schedule_purge)


def purge_documents(now=None):
    """Drop the documents of jobs finished more than EPCIS_CAPTURE_DOCUMENT_DAYS ago; the job's
    status, counts and errors stay for the client that polls it. Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.EPCIS_CAPTURE_DOCUMENT_DAYS)
    return CaptureJob.objects.filter(
        running=False, finished_at__lt=cutoff, document__isnull=False
    ).update(document=None)


PURGE_EVERY = timedelta(days=1)


def _purge_queued():
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another tasks backend
        return False
    return DBTaskResult.objects.filter(
        task_path=f"{__name__}.purge_capture_documents", status="READY"
    ).exists()


def schedule_purge():
    """Queue the daily purge unless one is waiting: a finished capture job starts the cycle, and
    each run queues the next, so the task worker runs it once a day while there are jobs."""
    if default_task_backend.supports_defer and not _purge_queued():
        purge_capture_documents.using(run_after=timezone.now() + PURGE_EVERY).enqueue()


@task()
def purge_capture_documents():
    purged = purge_documents()
    if CaptureJob.objects.filter(document__isnull=False).exists():
        schedule_purge()
    return purged


@task()
def notify_subscribers():
    """Queue one delivery per active subscription (each retried on its own)."""
    from txng.epcis.models import Subscription

    for subscription_id in Subscription.objects.filter(active=True).values_list(
        "subscription_id", flat=True
    ):
        deliver_subscription.enqueue(subscription_id)


@task()
def deliver_subscription(subscription_id):
    from django.utils import timezone

    from txng.epcis.subscriptions import deliver

    retry_in = deliver(subscription_id)
    if retry_in is not None:
        deliver_subscription.using(run_after=timezone.now() + retry_in).enqueue(subscription_id)
