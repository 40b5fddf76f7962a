"""GS1's EPCIS 2.0 examples through the REST binding: each valid document is captured, read
back by eventID and equal in content to what was sent; each invalid one is refused with a
problem document. Every example is one test case, so the run lists each example's result.

"Equal in content": every field the client sent comes back unchanged; the repository adds only
recordTime (always), eventID (when the client gave none, its canonical hash) and the document's
@context (when the event had none of its own), as the standard allows.
"""

import copy
import json
from urllib.parse import quote

import pytest

from txng.common.eventhash import document_events, event_hash
from txng.epcis.tests.conftest import EXAMPLES, example

pytestmark = pytest.mark.django_db

VALID = sorted(str(p.relative_to(EXAMPLES)) for p in EXAMPLES.rglob("*.jsonld"))


@pytest.fixture
def speaker(biz_owner, make_key, epcis):
    return epcis(make_key(biz_owner))


def _capture(speaker, document):
    response = speaker.post("capture", document)
    assert response.status_code == 202, response.content
    job = speaker.get(response["Location"].removeprefix("/epcis/"))
    return response, job.json()


@pytest.mark.parametrize("name", VALID)
def test_gs1_example_is_captured_and_read_back_equal(speaker, name):
    document = example(name)
    _response, job = _capture(speaker, document)
    assert job["running"] is False and job["success"] is True, job["errors"]
    for sent in document_events(document):
        event_id = sent.get("eventID") or event_hash(
            dict(sent, **{"@context": document["@context"]}) if "@context" not in sent else sent
        )
        answer = speaker.get(
            f"events/{quote(event_id, safe='')}", headers={"GS1-EPC-Format": "Never_Translates"}
        )
        assert answer.status_code == 200, answer.content
        body = answer.json()
        stored = body
        if body.get("type") == "EPCISQueryDocument":  # an event and its error declaration
            stored = next(
                e
                for e in body["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
                if ("errorDeclaration" in e) == ("errorDeclaration" in sent)
            )
        assert stored["eventID"] == event_id
        assert "recordTime" in stored
        assert stored.get("@context", document["@context"]) == sent.get(
            "@context", document["@context"]
        )
        kept = {k: v for k, v in stored.items() if k not in ("recordTime", "@context")}
        if "eventID" not in sent:
            kept.pop("eventID")
        assert kept == {k: v for k, v in sent.items() if k != "recordTime"}


def test_capturing_an_example_twice_stores_each_event_once(speaker):
    document = example("Example_9.6.1-ObjectEvent.jsonld")
    _capture(speaker, document)
    _capture(speaker, document)
    listed = speaker.get("events", headers={"GS1-EPC-Format": "Never_Translates"}).json()
    events = listed["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert len(events) == len(document_events(document))


def _without(path):
    def mutate(document):
        target = document
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return mutate


def _set(path, value):
    def mutate(document):
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return mutate


FIRST = ("epcisBody", "eventList", 0)
INVALID = {
    "no-eventTime": ("Example_9.6.1-ObjectEvent.jsonld", _without((*FIRST, "eventTime"))),
    "no-timezone-offset": (
        "Example_9.6.1-ObjectEvent.jsonld",
        _without((*FIRST, "eventTimeZoneOffset")),
    ),
    "unknown-action": ("Example_9.6.1-ObjectEvent.jsonld", _set((*FIRST, "action"), "MAYBE")),
    "unknown-event-type": ("Example_9.6.2-ObjectEvent.jsonld", _set((*FIRST, "type"), "Party")),
    "bad-bizStep": ("Example_9.6.1-ObjectEvent.jsonld", _set((*FIRST, "bizStep"), "no such")),
    "epcList-not-a-list": (
        "Example_9.6.1-ObjectEvent.jsonld",
        _set((*FIRST, "epcList"), "urn:epc:id:sgtin:0614141.107346.2017"),
    ),
    "eventTime-not-a-time": (
        "Example_9.6.1-ObjectEvent.jsonld",
        _set((*FIRST, "eventTime"), "yesterday"),
    ),
    "eventTime-without-zone": (
        "Example_9.6.1-ObjectEvent.jsonld",
        _set((*FIRST, "eventTime"), "2005-04-03T20:33:31.116"),
    ),
    "no-schemaVersion": ("Example_9.6.3-AggregationEvent.jsonld", _without(("schemaVersion",))),
    "no-epcisBody": ("Example_9.6.4-TransformationEvent.jsonld", _without(("epcisBody",))),
    "empty-eventList": (
        "Example_9.6.4-TransformationEvent.jsonld",
        _set(("epcisBody", "eventList"), []),
    ),
    "aggregation-without-action": (
        "Example_9.6.3-AggregationEvent.jsonld",
        _without((*FIRST, "action")),
    ),
    "sensor-value-not-a-number": (
        "WithSensorData/SensorDataExample1.jsonld",
        _set((*FIRST, "sensorElementList", 0, "sensorReport", 0, "value"), "warm"),
    ),
    "not-an-epcis-document": ("Example_9.6.1-ObjectEvent.jsonld", _set(("type",), "Invoice")),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_document_is_refused_with_a_problem_document(speaker, case):
    name, mutate = INVALID[case]
    document = copy.deepcopy(example(name))
    mutate(document)
    response = speaker.post("capture", document)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "epcisException:ValidationException"
    assert problem["status"] == 400 and problem["title"] and problem["detail"]
    assert (
        speaker.get("events").json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"] == []
    )


def test_text_that_is_not_json_is_refused_with_a_problem_document(speaker):
    response = speaker.post("capture", "{not json")
    assert response.status_code == 400
    assert response.json()["type"] == "epcisException:ValidationException"


def test_examples_are_all_listed():
    """The parametrised lists above are the conformance report: one line per example."""
    assert len(VALID) >= 40
    assert all(json.loads((EXAMPLES / n).read_text())["type"] for n in VALID)


def test_a_schema_refusal_names_the_field_in_vietnamese(speaker):
    document = copy.deepcopy(example("Example_9.6.1-ObjectEvent.jsonld"))
    document["epcisBody"]["eventList"][0]["action"] = "MAYBE"
    detail = speaker.post("capture", document).json()["detail"]
    assert detail.startswith("epcisBody.eventList[0].action: không đúng lược đồ EPCIS 2.0")
