"""A task worker killed mid-task leaves its task RUNNING: the same worker, started again, queues
it once more; another worker's running tasks are left alone."""

import pytest
from django.core.management import call_command
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from txng.ops.tasks_recovery import MAX_RUNS, requeue_orphans
from txng.stamps.tasks import check_scan_signals

pytestmark = pytest.mark.django_db


def _claimed(*worker_ids):
    row = DBTaskResult.objects.get(pk=check_scan_signals.enqueue().id)
    for worker_id in worker_ids:
        row.claim(worker_id)
    return row


def test_a_task_left_running_by_a_killed_worker_is_queued_again_when_it_restarts(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    orphan = _claimed("host-worker")
    others = _claimed("other-host-worker")
    requeued, failed = requeue_orphans("host-worker")
    assert requeued == [orphan.pk] and failed == []
    orphan.refresh_from_db()
    others.refresh_from_db()
    assert orphan.status == TaskResultStatus.READY
    # The worker ids stay: a task run twice shows it (bench/load.py counts such tasks).
    assert orphan.worker_ids == ["host-worker"]
    assert others.status == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.ready().filter(pk=orphan.pk).exists()


def test_a_task_that_killed_its_worker_each_time_is_given_up(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    poison = _claimed(*["host-worker"] * MAX_RUNS)
    requeued, failed = requeue_orphans("host-worker")
    assert (requeued, failed) == ([], [poison.pk])
    poison.refresh_from_db()
    assert poison.status == TaskResultStatus.FAILED
    assert "WorkerLost" in poison.exception_class_path


def test_the_command_names_what_it_queued_again(settings, capsys):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    orphan = _claimed("check-worker")
    call_command("requeue_orphaned_tasks", worker_id="check-worker")
    assert str(orphan.pk) in capsys.readouterr().out
