"""Background work of tracing: the bulk import.

The import runs one way: the view calls `start_import` here, which stores the file and queues
`run_import`; the worker parses it with txng.tracing.importer, which writes through the same
actions as the web forms. Nothing in the web request parses the file.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from txng.accounts.permissions import require
from txng.audit.actions import record
from txng.tracing.audit_actions import AuditAction
from txng.tracing.importer import COLUMNS, run_job
from txng.tracing.models import ImportJob

MAX_IMPORT_BYTES = 10 * 1024 * 1024


def start_import(*, actor, kind, upload):
    """Store the file and queue its import for the background worker."""
    require(actor.is_authenticated and actor.is_business)
    if kind not in COLUMNS:
        raise ValidationError({"kind": _("Loại dữ liệu không hợp lệ.")})
    if upload.size > MAX_IMPORT_BYTES:
        raise ValidationError({"file": _("Tệp quá lớn (tối đa 10 MB).")})
    with transaction.atomic():
        job = ImportJob.objects.create(
            business=actor.organisation, created_by=actor, kind=kind, file=upload
        )
        record(actor, AuditAction.IMPORT, job, changes={"kind": [None, kind]})
        # Queued in the same transaction: the worker sees the job only once it is stored.
        run_import.enqueue(job.pk)
    return job


@task()
def run_import(job_id):
    run_job(ImportJob.objects.select_related("business", "created_by").get(pk=job_id))


def ensure_event_partitions(months_ahead=2):
    """This month's and the next months' partitions of the event table (PostgreSQL only; the
    daily `ensure_partitions` command runs it with the scan log's)."""
    from django.db import connection
    from django.utils import timezone

    from txng.common.partitions import ensure_id_months, is_partitioned, months_after
    from txng.tracing.eventtable import link_partitions

    if not is_partitioned("tracing_event"):
        return []
    today = timezone.localdate()
    made = ensure_id_months(
        "tracing_event", today, months_after(today, months_ahead), using=connection
    )
    with connection.cursor() as cursor:
        link_partitions(cursor)  # the statement trigger, for rows written straight into one
    return made


@task()
def create_event_partitions():
    """For a scheduler that enqueues tasks; the ensure_partitions command does the same."""
    return ensure_event_partitions()
