"""Periodic work, run from cron like the other apps' (`manage.py refresh_report_tallies` every
few minutes, `manage.py remind_reports` daily) or by a scheduler that enqueues these tasks."""

from django_tasks import task

from txng.reports import actions, tallies


@task()
def refresh_tallies():
    return tallies.refresh()


@task()
def remind_reports():
    return actions.send_reminders()
