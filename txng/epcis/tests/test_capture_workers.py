"""Several task workers store capture jobs at once (docs/deploy.md runs N per host): two jobs
naming some of the same events, run by two workers at the same moment, store each event once
and both succeed, in either error behaviour, as if they had run one after the other."""

import threading

import pytest
from django.db import connection

from txng.epcis import capture, tasks
from txng.epcis.keys import key_for
from txng.epcis.models import CaptureJob
from txng.epcis.tests.test_fast_paths import _document, _event
from txng.tracing.models import Event, EventIdentifier

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL"),
]


def _both_at_once(monkeypatch, jobs):
    """Run each job's task in its own thread and connection, as two db_worker processes would;
    both look for their events already stored before either stores any (the race)."""
    barrier = threading.Barrier(len(jobs))
    split = capture._split
    waited = set()

    def split_then_wait(prepared, known):
        parts = split(prepared, known)
        if threading.get_ident() not in waited:  # the first try only: a second has no partner
            waited.add(threading.get_ident())
            barrier.wait(30)
        return parts

    monkeypatch.setattr(capture, "_split", split_then_wait)
    failures = []

    def work(pk):
        try:
            tasks.run_capture.call(pk)
        except Exception as exc:  # noqa: BLE001 - a failed task is what the test looks for
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(job.pk,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures


@pytest.mark.parametrize("behaviour", ["rollback", "proceed"])
def test_two_workers_capturing_overlapping_documents_store_each_event_once(
    biz_owner, make_key, monkeypatch, behaviour
):
    key = key_for(make_key(biz_owner))
    # The second names the shared events in the other order: stored in eventID order, neither
    # job holds an event the other waits for while waiting for one the other holds.
    first = _document([_event(1), _event(2), _event(3)])
    second = _document([_event(3), _event(2), _event(1), _event(4)])
    jobs = [
        tasks.start_capture(key=key, document=d, error_behaviour=behaviour, queue=False)
        for d in (first, second)
    ]
    _both_at_once(monkeypatch, jobs)

    finished = list(CaptureJob.objects.filter(pk__in=[j.pk for j in jobs]).order_by("pk"))
    assert [(j.running, j.success, j.errors) for j in finished] == [(False, True, [])] * 2
    assert sorted(j.captured for j in finished) in ([1, 3], [0, 4])
    assert Event.objects.count() == 4
    assert Event.objects.values("event_id").distinct().count() == 4
    assert EventIdentifier.objects.filter(role="epc").count() == 4
