"""Background work of the EPCIS binding: capture jobs and subscription deliveries."""

from django.db import transaction
from django_tasks import task

from txng.audit.actions import record
from txng.epcis import capture
from txng.epcis.audit_actions import AuditAction
from txng.epcis.models import CaptureJob


def start_capture(*, key, document, error_behaviour="rollback", queue=True):
    """Keep the document as a job and queue it, in one transaction: the worker sees the job
    only once it is stored, and a job is never stored without its task."""
    with transaction.atomic():
        job = CaptureJob.objects.create(
            organisation=key.organisation,
            api_key=key,
            document=document,
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
    capture.run(job)
    if job.captured:
        transaction.on_commit(notify_subscribers.enqueue)


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
