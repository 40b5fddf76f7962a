"""GS1's EPCIS XML examples (tests/data/xml, from gs1/EPCIS) through the REST binding's XML
side. Each event of each example is captured as XML on its own, read back as JSON and as XML
(Accept: application/xml) and must be equal in content both ways; where GS1 wrote the same
example in JSON, the XML capture stores the same event content and the same event hash. One
test case per event, so the run lists each example's result.

Four of GS1's XML events break GS1's own JSON schema, which capture checks whatever the syntax:
they are listed in GS1_SCHEMA_REFUSES with the reason and must be refused with a problem.
"""

import copy
from urllib.parse import quote

import pytest
from lxml import etree

from txng.common.eventhash import document_events, event_hash
from txng.epcis import xmlread, xmlwrite
from txng.epcis.tests.conftest import EXAMPLES, example

pytestmark = pytest.mark.django_db

XML_EXAMPLES = EXAMPLES.parent.parent / "xml"
XML = "application/xml"


def _events_in(root):
    """The event elements of a document, with the EventList child each sits in (1.2 wraps
    TransformationEvent in <extension>)."""
    event_list = next(e for e in root.iter() if isinstance(e.tag, str) and _local(e) == "EventList")
    found = []
    for top in event_list:
        if not isinstance(top.tag, str):
            continue
        for element in top.iter():
            if isinstance(element.tag, str) and _local(element) in xmlread.EVENT_TYPES:
                found.append((top, element))
                break
    return event_list, found


def _local(element):
    return etree.QName(element).localname


def _cases():
    cases = []
    for path in sorted(XML_EXAMPLES.rglob("*.xml")):
        _list, found = _events_in(etree.parse(str(path)).getroot())
        cases += [f"{path.relative_to(XML_EXAMPLES)}#{i}" for i in range(len(found))]
    return cases


def one_event_document(case):
    """The example's document with only its case's event, as XML bytes."""
    name, index = case.rsplit("#", 1)
    root = copy.deepcopy(etree.parse(str(XML_EXAMPLES / name)).getroot())
    event_list, found = _events_in(root)
    keep = found[int(index)][0]
    for top, _event in found:
        if top is not keep:
            event_list.remove(top)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


GS1_SCHEMA_REFUSES = {
    "Example-PersistentDisposition.xml#0": "persistentDisposition on an AggregationEvent",
    "Example-PersistentDisposition.xml#1": "persistentDisposition on an AggregationEvent",
    "WithFullCombinationOfFields/object_event_all_possible_fields.xml#0": (
        "ilmd on an OBSERVE ObjectEvent (the schema allows it with ADD only)"
    ),
    "WithSensorData/SensorDataExamples.xml#8": "sensorReport without type (case 9)",
}
CASES = _cases()
VALID = [case for case in CASES if case not in GS1_SCHEMA_REFUSES]

# (XML case, GS1's JSON example and event index, fields whose text GS1 wrote differently)
PAIRS = [
    *[
        (f"AssociationEvent/AssociationEventExamples.xml#{i}", f"AssociationEvent/{name}", 0, ())
        for i, name in enumerate(
            ["AssociationEvent-a.jsonld", "AssociationEvent-b.jsonld", "AssociationEvent-c.jsonld"]
            + ["AssociationEvent-d.jsonld", "AssociationEvent-e.jsonld"]
            + ["AssociationEvent-f.jsonld"]
        )
    ],
    (
        "AssociationEvent/AssociationEventExamples.xml#7",
        "AssociationEvent/AssociationEvent-h.jsonld",
        0,
        (),
    ),
    ("WithSensorData/SensorDataExamples.xml#0", "WithSensorData/SensorDataExample1.jsonld", 0, ()),
    ("WithSensorData/SensorDataExamples.xml#1", "WithSensorData/SensorDataExample2.jsonld", 0, ()),
    ("WithSensorData/SensorDataExamples.xml#2", "WithSensorData/SensorDataExample3.jsonld", 0, ()),
    ("WithSensorData/SensorDataExamples.xml#4", "WithSensorData/SensorDataExample5.jsonld", 0, ()),
    # GS1's JSON writes the eventTime .116 as .116000: the same instant, so the same hash.
    ("Example-ObjectEvent_9.6.1.xml#0", "Example_9.6.1-ObjectEvent.jsonld", 0, ("eventTime",)),
]


@pytest.fixture
def speaker(biz_owner, make_key, epcis):
    return epcis(make_key(biz_owner))


def _capture_xml(speaker, body):
    response = speaker.post("capture", body, content_type=XML)
    assert response.status_code == 202, response.content
    job = speaker.get(response["Location"].removeprefix("/epcis/")).json()
    assert job["running"] is False and job["success"] is True, job["errors"]


def _sent(body):
    document = xmlread.to_json(body)
    return document, document_events(document)[0]


def _read_back(speaker, event_id, sent, accept="application/ld+json"):
    answer = speaker.get(
        f"events/{quote(event_id, safe='')}",
        headers={"GS1-EPC-Format": "Never_Translates", "Accept": accept},
    )
    assert answer.status_code == 200, answer.content
    if accept == XML:
        assert answer["Content-Type"].startswith(XML)
        events = document_events(xmlread.to_json(answer.content))
    else:
        body = answer.json()
        events = document_events(body) if body.get("type") == "EPCISQueryDocument" else [body]
    return next(e for e in events if ("errorDeclaration" in e) == ("errorDeclaration" in sent))


def _content(event):
    return {k: v for k, v in event.items() if k not in ("recordTime", "@context", "eventID")}


@pytest.mark.parametrize("case", VALID)
def test_gs1_xml_example_is_captured_and_read_back_equal_as_json_and_xml(speaker, case):
    body = one_event_document(case)
    document, sent = _sent(body)
    _capture_xml(speaker, body)
    event_id = sent.get("eventID") or event_hash(sent, document["@context"])
    as_json = _read_back(speaker, event_id, sent)
    assert as_json["eventID"] == event_id
    assert as_json.get("@context", document["@context"]) == document["@context"]
    assert _content(as_json) == _content(sent)
    as_xml = _read_back(speaker, event_id, sent, accept=XML)
    assert as_xml["eventID"] == event_id and "recordTime" in as_xml
    assert _content(as_xml) == _content(sent)


@pytest.mark.parametrize("case", sorted(GS1_SCHEMA_REFUSES))
def test_gs1_xml_example_that_gs1s_json_schema_refuses_is_refused_with_a_problem(speaker, case):
    response = speaker.post("capture", one_event_document(case), content_type=XML)
    assert response.status_code == 400, (case, GS1_SCHEMA_REFUSES[case])
    assert response["Content-Type"] == "application/problem+json"
    assert "lược đồ EPCIS 2.0" in response.json()["detail"]


@pytest.mark.parametrize(
    ("case", "name", "index", "written_differently"),
    PAIRS,
    ids=[f"{case} = {name}" for case, name, _i, _w in PAIRS],
)
def test_xml_capture_stores_what_gs1s_json_example_stores(
    speaker, case, name, index, written_differently
):
    json_document = example(name)
    json_event = document_events(json_document)[index]
    body = one_event_document(case)
    document, sent = _sent(body)
    _capture_xml(speaker, body)
    json_hash = event_hash(json_event, json_document["@context"])
    assert event_hash(sent, document["@context"]) == json_hash
    stored = _read_back(speaker, sent.get("eventID") or json_hash, sent)
    expected = {k: v for k, v in _content(json_event).items() if k not in written_differently}
    assert {k: v for k, v in _content(stored).items() if k not in written_differently} == expected


def test_the_xml_examples_are_all_listed():
    assert len(CASES) >= 30 and len(VALID) >= 26
    assert set(GS1_SCHEMA_REFUSES) <= set(CASES)


def test_a_whole_xml_document_is_captured_at_once(speaker):
    body = (XML_EXAMPLES / "AssociationEvent/AssociationEventExamples.xml").read_bytes()
    _capture_xml(speaker, body)
    listed = speaker.get("events", headers={"Accept": XML, "GS1-EPC-Format": "Never_Translates"})
    assert listed["Content-Type"].startswith(XML)
    assert len(document_events(xmlread.to_json(listed.content))) == 8


def test_an_epcis_1_2_document_reads_as_its_2_0_form():
    old = xmlread.to_json((XML_EXAMPLES / "1.2/ObjectEvent.xml").read_bytes())
    new = xmlread.to_json((XML_EXAMPLES / "Example-ObjectEvent_9.6.1.xml").read_bytes())
    assert old["schemaVersion"] == "2.0"
    assert document_events(old) == document_events(new)
    assert old["@context"] == new["@context"]


def test_a_1_2_transformation_event_in_its_extension_wrapper_keeps_eventid_and_declaration():
    document = xmlread.to_json(
        (XML_EXAMPLES / "WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.xml").read_bytes()
    )
    first, second = document_events(document)
    assert first["type"] == second["type"] == "TransformationEvent"
    assert first["eventID"] == "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8"
    assert first["errorDeclaration"] == {
        "example:vendorExtension": "Test1",
        "declarationTime": "2020-01-15T00:00:00+01:00",
        "reason": "incorrect_data",
        "correctiveEventIDs": ["urn:uuid:404d95fc-9457-4a51-bd6a-0bba133845a8"],
    }
    assert first["inputQuantityList"] == [
        {"epcClass": "urn:epc:class:lgtin:4012345.022222.87545GHGH"}  # xsi:nil quantity
    ]


def test_user_extensions_become_prefixed_keys_declared_in_the_context():
    document = xmlread.to_json(
        (XML_EXAMPLES / "WithSensorData/SensorDataExamples.xml").read_bytes()
    )
    assert {"example": "https://ns.example.com/epcis"}.items() <= document["@context"][1].items()
    case12 = document_events(document)[11]
    assert case12["readPoint"]["example:gs1ES"] == "(414)4023333000000"
    assert case12["ilmd"]["example2:userMasterData"] == {"example2:sizeCode": "B-2"}
    assert case12["example2:furtherData"] == {
        "@example2:assemblyLine": "2",
        "@example2:workingShift": "1",
    }
    assert case12["errorDeclaration"]["example3:errorCodes"] == {
        "example3:value1": "34",
        "example3:value44": "66",
    }
    report = case12["sensorElementList"][0]["sensorReport"][0]
    assert report["type"] == "Temperature" and report["percRank"] == 50
    assert report["example:cv"] == "123"


JSON_EXAMPLES = sorted(str(p.relative_to(EXAMPLES)) for p in EXAMPLES.rglob("*.jsonld"))


def _as_xml_text(value, extension=False):
    """What XML can say of a value: a user extension's JSON number or boolean becomes text."""
    if isinstance(value, dict):
        return {k: _as_xml_text(v, extension or ":" in k) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_xml_text(v, extension) for v in value]
    if extension and isinstance(value, bool):
        return "true" if value else "false"
    if extension and isinstance(value, (int, float)):
        return str(value)
    return value


@pytest.mark.parametrize("name", JSON_EXAMPLES)
def test_gs1_json_example_goes_through_xml_and_back_with_the_same_hash(name):
    """Every JSON example GS1 publishes, written as an XML query answer and read again, is the
    same events with the same hashes; only user-extension numbers and booleans come back as
    text, which XML cannot type."""
    document = example(name)
    events = document_events(document)
    answer = {
        "@context": document["@context"],
        "type": "EPCISQueryDocument",
        "creationDate": "2026-03-01T08:00:00+07:00",
        "epcisBody": {
            "queryResults": {"queryName": "SimpleEventQuery", "resultsBody": {"eventList": events}}
        },
    }
    back = xmlread.to_json(xmlwrite.query_document(answer))
    assert len(document_events(back)) == len(events)
    for sent, read in zip(events, document_events(back), strict=True):
        context = sent.get("@context", document["@context"])
        assert event_hash(read, back["@context"]) == event_hash(sent, context)
        assert read == _as_xml_text({k: v for k, v in sent.items() if k != "@context"})
