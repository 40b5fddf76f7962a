from django_tasks import task


@task()
def run_import(job_id):
    from txng.tracing.importer import run_job
    from txng.tracing.models import ImportJob

    run_job(ImportJob.objects.select_related("business", "created_by").get(pk=job_id))
