"""Background work for OCOP. Run daily: `manage.py remind_ocop` or enqueue the task."""

from django_tasks import task

from txng.ocop import actions


@task()
def remind_expiring_ocop():
    return actions.remind_expiring()
