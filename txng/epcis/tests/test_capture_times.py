"""Times the event hash cannot write in UTC (years outside 1-9999) are refused with a problem
naming the field, at the request when it is the eventTime, in the job when it is a time inside
the event; they never crash a capture job."""

import pytest

from txng.epcis.tests.test_api import _document, _object_event
from txng.tracing.models import Event

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = ["0001-01-01T00:30:00+01:00", "9999-12-31T23:59:59.9996Z"]


@pytest.fixture
def api(biz_owner, make_key, epcis):
    return epcis(make_key(biz_owner))


def _job(api, response):
    assert response.status_code == 202, response.content
    return api.get(response["Location"].removeprefix("/epcis/")).json()


def _sensor(when):
    return [{"sensorReport": [{"type": "Temperature", "value": 4, "uom": "CEL", "time": when}]}]


@pytest.mark.parametrize("when", OUT_OF_RANGE)
def test_an_event_time_with_no_utc_form_is_refused_naming_the_field(api, when):
    response = api.post("capture", _document(_object_event(when=when)))
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "eventList/0/eventTime" in detail and when in detail and "UTC" in detail
    assert not Event.objects.exists()


@pytest.mark.parametrize("when", OUT_OF_RANGE)
def test_a_sensor_time_with_no_utc_form_fails_the_job_not_the_worker(api, when):
    good = _object_event()
    bad = _object_event(epc="urn:epc:id:sgtin:0614141.107346.2018", sensorElementList=_sensor(when))
    job = _job(api, api.post("capture", _document(good, bad)))
    assert job["running"] is False and job["success"] is False
    assert "eventList/1/time" in job["errors"][0]["detail"]
    assert not Event.objects.exists()  # rollback: all or nothing


def test_proceed_keeps_the_events_whose_times_can_be_hashed(api):
    bad = _object_event(
        epc="urn:epc:id:sgtin:0614141.107346.2018", sensorElementList=_sensor(OUT_OF_RANGE[0])
    )
    response = api.post(
        "capture",
        _document(bad, _object_event()),
        headers={"GS1-Capture-Error-Behaviour": "proceed"},
    )
    job = _job(api, response)
    assert job["success"] is False
    assert ["eventList/0/time" in error["detail"] for error in job["errors"]] == [True]
    assert Event.objects.count() == 1


def test_an_event_with_its_own_id_needs_no_hash_of_its_sensor_times(api):
    event = _object_event(
        eventID="urn:uuid:6f1d2c1e-1111-4d6a-9bcb-3e0f3c2c9a11",
        sensorElementList=_sensor(OUT_OF_RANGE[1]),
    )
    assert _job(api, api.post("capture", _document(event)))["success"] is True


def test_one_event_sent_alone_gets_the_problem_at_once(api):
    response = api.post("events", _object_event(sensorElementList=_sensor(OUT_OF_RANGE[0])))
    assert response.status_code == 400
    assert "eventList/0/time" in response.json()["detail"]
