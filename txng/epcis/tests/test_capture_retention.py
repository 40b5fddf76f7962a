"""Capture jobs keep their status and errors, not the submitted document forever."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from txng.epcis import tasks
from txng.epcis.models import CaptureJob
from txng.epcis.tests.test_api import _document, _object_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_api(biz_owner, make_key, epcis):
    return epcis(make_key(biz_owner))


def _age(job, days):
    CaptureJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=days))


def test_an_old_finished_job_loses_its_document_and_keeps_its_status_and_errors(
    owner_api, other_biz, make_key, epcis, settings
):
    settings.EPCIS_CAPTURE_DOCUMENT_DAYS = 7
    bad = _object_event(eventID="urn:uuid:33333333-6d40-4d6a-9bcb-3e0f3c2c9a11")
    epcis(make_key(other_biz)).post("capture", _document(bad))
    CaptureJob.objects.all().delete()
    response = owner_api.post(
        "capture",
        _document(_object_event(), bad),
        headers={"GS1-Capture-Error-Behaviour": "proceed"},
    )
    path = response["Location"].removeprefix("/epcis/")
    before = owner_api.get(path).json()
    assert before["errors"]
    old = CaptureJob.objects.get()
    _age(old, 8)
    owner_api.post("capture", _document(_object_event(epc="urn:epc:id:sgtin:0614141.107346.1")))
    recent = CaptureJob.objects.exclude(pk=old.pk).get()

    assert tasks.purge_capture_documents.call() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.document is None and recent.document is not None
    after = owner_api.get(path).json()
    after.pop("finishedAt"), before.pop("finishedAt")  # moved back by the test itself
    assert after == before  # status, counts and errors as they were


def test_a_running_job_keeps_its_document_however_old(biz_owner, make_key, settings):
    from txng.epcis.keys import key_for

    settings.EPCIS_CAPTURE_DOCUMENT_DAYS = 1
    key = key_for(make_key(biz_owner))
    job = tasks.start_capture(key=key, document=_document(_object_event()), queue=False)
    CaptureJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=30))
    assert tasks.purge_documents() == 0
    job.refresh_from_db()
    assert job.document is not None


def test_the_daily_command_purges_too(owner_api, settings):
    settings.EPCIS_CAPTURE_DOCUMENT_DAYS = 2
    owner_api.post("capture", _document(_object_event()))
    _age(CaptureJob.objects.get(), 3)
    call_command("purge_capture_documents")
    assert CaptureJob.objects.get().document is None


def test_a_finished_job_queues_the_next_daily_purge_on_the_worker(owner_api, settings):
    """With a backend that can run tasks later (the database backend in production), finishing a
    capture queues the purge for a day later, and the purge queues the next one."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    default_task_backend.clear()
    tasks.schedule_purge()
    queued = [r for r in default_task_backend.results if "purge_capture" in r.task.module_path]
    assert len(queued) == 1
    assert queued[0].task.run_after > timezone.now() + timedelta(hours=23)
