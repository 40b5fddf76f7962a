"""Background work for the catalog. Run daily: `manage.py remind_documents` or enqueue the task."""

from django_tasks import task

from txng.catalog import actions


@task()
def remind_expiring_documents():
    return actions.remind_expiring_documents()
