"""Background work: the exports for regulators and businesses (the periodic tasks are in
periodic.py)."""

from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks import task

from txng.reports import exports
from txng.reports.models import ExportJob, ExportState


@task()
def make_export(job_id):
    run_export(job_id)


def run_export(job_id):
    job = ExportJob.objects.select_related("requested_by__organisation").get(pk=job_id)
    if job.state == ExportState.DONE:
        return job
    total, rows = exports.event_rows(job, job.requested_by)
    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.RUNNING, total=total, done=0)

    def progress(n):
        ExportJob.objects.filter(pk=job.pk).update(done=n)

    try:
        xlsx, csv, n = exports.write_files(rows, progress)
    except Exception as exc:  # noqa: BLE001 (the job shows the failure; the worker goes on)
        ExportJob.objects.filter(pk=job.pk).update(state=ExportState.FAILED, error=str(exc)[:500])
        raise
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    job.xlsx.save(f"txng-{job.pk}-{stamp}.xlsx", ContentFile(xlsx), save=False)
    job.csv.save(f"txng-{job.pk}-{stamp}.csv", ContentFile(csv), save=False)
    job.state, job.total, job.done, job.finished_at = ExportState.DONE, n, n, timezone.now()
    job.save(update_fields=["xlsx", "csv", "state", "total", "done", "finished_at"])
    return job
