"""A capture job's events and its final state are saved together: a worker killed while it runs
leaves neither, and the job re-run after it (requeue_orphans) captures them and tells the
subscribers; a job already finished is left as it is however often it is run again."""

import pytest

from txng.epcis import capture, tasks
from txng.epcis.keys import key_for
from txng.epcis.models import CaptureJob
from txng.epcis.tests.test_api import _document, _object_event
from txng.tracing.models import Event

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """The worker stops: nothing after this point of the task runs."""


@pytest.fixture
def job(biz_owner, make_key):
    key = key_for(make_key(biz_owner))
    return tasks.start_capture(key=key, document=_document(_object_event()), queue=False)


@pytest.fixture
def notified(monkeypatch):
    calls = []

    class Task:
        def enqueue(self):
            calls.append(1)

    monkeypatch.setattr(tasks, "notify_subscribers", Task())
    return calls


def test_a_worker_killed_before_the_job_is_saved_leaves_no_events_stored(
    job, monkeypatch, notified, django_capture_on_commit_callbacks
):
    before = Event.objects.count()
    save = CaptureJob.save

    def killed_while_saving(self, *args, **kwargs):
        raise Killed

    monkeypatch.setattr(CaptureJob, "save", killed_while_saving)
    with pytest.raises(Killed):
        tasks.run_capture.call(job.pk)
    assert Event.objects.count() == before  # the events went with the job's unsaved state
    assert CaptureJob.objects.get(pk=job.pk).running

    monkeypatch.setattr(CaptureJob, "save", save)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.run_capture.call(job.pk)  # the orphaned task, run again
    job.refresh_from_db()
    assert not job.running and job.success and job.captured == 1
    assert Event.objects.count() == before + 1
    assert notified == [1]


def test_a_finished_job_run_again_changes_nothing(
    job, notified, django_capture_on_commit_callbacks
):
    stale = CaptureJob.objects.get(pk=job.pk)  # as another worker loaded it, still running
    with django_capture_on_commit_callbacks(execute=True):
        tasks.run_capture.call(job.pk)
    job.refresh_from_db()
    assert job.captured == 1 and notified == [1]
    events = Event.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        capture.run(stale, on_captured=tasks.notify_subscribers.enqueue)
        tasks.run_capture.call(job.pk)
    again = CaptureJob.objects.get(pk=job.pk)
    assert (again.captured, again.success, again.errors, again.finished_at) == (
        1,
        True,
        [],
        job.finished_at,
    )
    assert Event.objects.count() == events and notified == [1]
    assert stale.captured == 1 and not stale.running


def test_the_task_reads_the_jobs_document_once(job):
    """run_capture loads the job with its document; locking the job reads only its state."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        tasks.run_capture.call(job.pk)
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and "document" in q["sql"]]
    assert len([sql for sql in reads if "epcis_capturejob" in sql]) == 1, reads
    assert CaptureJob.objects.get(pk=job.pk).success is True


def test_a_job_whose_run_fails_on_a_server_error_is_finished_as_failed_not_left_running(
    job, monkeypatch
):
    """Left running, a client would poll the job for ever; nothing of it is stored."""
    before = Event.objects.count()

    def broken(*args, **kwargs):
        raise RuntimeError("the server's own fault")

    monkeypatch.setattr(capture.tracing_events, "capture_new", broken)
    with pytest.raises(RuntimeError):
        tasks.run_capture.call(job.pk)
    job.refresh_from_db()
    assert (job.running, job.success, job.captured) == (False, False, 0)
    assert job.errors[0]["type"] == "epcisException:ImplementationException"
    assert Event.objects.count() == before
