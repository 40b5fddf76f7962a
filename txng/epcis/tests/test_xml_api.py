"""The XML side of the EPCIS binding beyond GS1's examples: hostile and malformed documents are
refused with a problem naming the element, content negotiation on the query endpoints, one XML
event on POST /events."""

import pytest
from lxml import etree

from txng.epcis import xmlread, xmlwrite
from txng.epcis.problems import Problem
from txng.tracing.models import Event

pytestmark = pytest.mark.django_db

XML = "application/xml"
QUERY_NS = "urn:epcglobal:epcis-query:xsd:2"
EVENT = """<ObjectEvent>
  <eventTime>2026-03-01T08:00:00+07:00</eventTime>
  <eventTimeZoneOffset>+07:00</eventTimeZoneOffset>
  <epcList><epc>urn:epc:id:sgtin:0614141.107346.2017</epc></epcList>
  <action>ADD</action>
  <bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>
  {extra}
</ObjectEvent>"""


def document(extra="", event=None, prolog=""):
    return (
        f'{prolog}<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" '
        'xmlns:vn="https://txng.example.vn/ns/" schemaVersion="2.0" '
        'creationDate="2026-03-01T08:00:00+07:00"><EPCISBody><EventList>'
        f"{event or EVENT.format(extra=extra)}</EventList></EPCISBody></epcis:EPCISDocument>"
    )


@pytest.fixture
def owner_api(biz_owner, make_key, epcis):
    return epcis(make_key(biz_owner))


def _refused(owner_api, body, status=400):
    response = owner_api.post("capture", body, content_type=XML)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert not Event.objects.exists()
    return response.json()["detail"]


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY a{i} "{("&a;" if i == 1 else f"&a{i - 1};") * 10}">' for i in range(1, 9))
    + "]>"
)


@pytest.mark.parametrize(
    ("case", "body", "named"),
    [
        ("unclosed-tag", document("<disposition>urn:epcglobal:cbv:disp:active"), "dòng"),
        ("not-xml-at-all", "this is not xml", "malformed XML"),
        ("billion-laughs", document(prolog=LAUGHS), "DOCTYPE"),
        (
            "external-entity",
            document(prolog='<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
            "DOCTYPE",
        ),
        ("wrong-root", "<Invoice/>", "Invoice"),
        (
            "unknown-element",
            document("<colour>red</colour>"),
            "EPCISDocument/EPCISBody/EventList/ObjectEvent[1]/colour",
        ),
        ("unknown-event-type", document(event="<PartyEvent/>"), "EventList/PartyEvent"),
        (
            "quantity-not-a-number",
            document(
                "<quantityList><quantityElement><epcClass>urn:epc:class:lgtin:4012345.012345.1"
                "</epcClass><quantity>many</quantity></quantityElement></quantityList>"
            ),
            "quantityElement[1]/quantity: 'many' không phải là số (not a number)",
        ),
        (
            "quantity-beyond-a-float",
            document(
                "<quantityList><quantityElement><epcClass>urn:epc:class:lgtin:4012345.012345.1"
                "</epcClass><quantity>1e400</quantity></quantityElement></quantityList>"
            ),
            "quantityElement[1]/quantity: '1e400' không phải là số (not a number)",
        ),
        (
            "sensor-value-not-a-number",
            document(
                '<sensorElementList><sensorElement><sensorReport type="gs1:Temperature" '
                'value="warm"/></sensorElement></sensorElementList>'
            ),
            "sensorReport[1]/@value",
        ),
        (
            "boolean-not-a-boolean",
            document(
                '<sensorElementList><sensorElement><sensorReport type="gs1:Temperature" '
                'booleanValue="maybe"/></sensorElement></sensorElementList>'
            ),
            "@booleanValue",
        ),
        (
            "extension-without-namespace-in-ilmd",
            document("<ilmd><lot>A1</lot></ilmd>"),
            "ObjectEvent[1]/ilmd/lot",
        ),
        ("schema-refuses-the-action", document().replace("ADD", "MAYBE"), "action"),
        (
            "no-creationDate",
            document().replace('creationDate="2026-03-01T08:00:00+07:00"', ""),
            "creationDate",
        ),
    ],
)
def test_an_invalid_xml_document_is_refused_with_a_problem_naming_the_element(
    owner_api, case, body, named
):
    assert named in _refused(owner_api, body)


def test_an_xml_document_over_the_size_limit_is_refused_before_it_is_read(owner_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 200
    assert "byte" in _refused(owner_api, document(), status=413)


def test_an_external_entity_never_reaches_the_stored_event(owner_api):
    body = document(
        "<vn:note>&x;</vn:note>",
        prolog='<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/hostname">]>',
    )
    # UTF-16 hides the declaration from the byte check; the parsed tree's DTD still shows it.
    assert "DOCTYPE" in _refused(owner_api, body.encode("utf-16"))


def test_an_xml_document_is_stored_like_its_json_form(owner_api):
    body = document(
        '<ilmd><vn:lotCode vn:scheme="TCVN 13274">BN-2026-10</vn:lotCode></ilmd>'
        "<vn:farm><vn:name>HTX Chè</vn:name><vn:plot>A</vn:plot><vn:plot>B</vn:plot></vn:farm>"
    )
    response = owner_api.post("capture", body, content_type="text/xml")
    assert response.status_code == 202, response.content
    stored = Event.objects.get().document
    assert stored["bizStep"] == "commissioning"
    assert stored["@context"][1] == {"vn": "https://txng.example.vn/ns/"}
    assert stored["ilmd"] == {"vn:lotCode": {"@vn:scheme": "TCVN 13274", "#text": "BN-2026-10"}}
    assert stored["vn:farm"] == {"vn:name": "HTX Chè", "vn:plot": ["A", "B"]}


def test_query_answers_xml_when_accept_asks_for_it_and_says_vary_accept(owner_api):
    owner_api.post("capture", document("<vn:farm>HTX Chè</vn:farm>"), content_type=XML)
    as_xml = owner_api.get("events", headers={"Accept": XML})
    assert as_xml.status_code == 200
    assert as_xml["Content-Type"].startswith(XML)
    assert "Accept" in as_xml["Vary"].split(", ")
    root = etree.fromstring(as_xml.content)
    assert root.tag == f"{{{QUERY_NS}}}EPCISQueryDocument"
    event = root.find(f".//{{{QUERY_NS}}}QueryResults/resultsBody/EventList/ObjectEvent")
    assert event.findtext("{https://txng.example.vn/ns/}farm") == "HTX Chè"
    assert event.findtext("bizStep") == "urn:epcglobal:cbv:bizstep:commissioning"
    as_json = owner_api.get("events")
    assert as_json["Content-Type"] == "application/ld+json"
    assert "Accept" in as_json["Vary"].split(", ")


def test_one_event_by_id_as_xml_is_a_query_document(owner_api):
    response = owner_api.post(
        "events",
        EVENT.format(extra=""),
        content_type=XML,
    )
    assert response.status_code == 201, response.content
    path = response["Location"].removeprefix("/epcis/")
    as_xml = owner_api.get(path, headers={"Accept": "text/xml"})
    assert as_xml["Content-Type"].startswith(XML)
    events = xmlread.to_json(as_xml.content)["epcisBody"]["queryResults"]["resultsBody"]
    assert [e["action"] for e in events["eventList"]] == ["ADD"]
    assert owner_api.get(path).json()["type"] == "ObjectEvent"


@pytest.mark.parametrize(
    ("accept", "xml"),
    [
        ("", False),
        ("*/*", False),
        ("application/json", False),
        ("application/xml", True),
        ("text/xml", True),
        ("application/xml, */*;q=0.8", True),
        ("application/xml, */*", True),
        ("application/xml;q=0.5, application/ld+json", False),
        ("application/json, application/xml", False),
        ("application/*", False),
        ("text/html, application/xml;q=0.9", True),
    ],
)
def test_accept_header_chooses_xml_only_when_it_prefers_it(accept, xml):
    assert xmlwrite.wants_xml(accept) is xml


def _answer(event):
    return {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "creationDate": "2026-03-01T08:00:00+07:00",
        "epcisBody": {"queryResults": {"queryName": "q", "resultsBody": {"eventList": [event]}}},
    }


def test_a_full_iri_key_is_written_as_an_element_in_its_own_namespace():
    event = {**xmlread.to_json(EVENT.format(extra="").encode()), "https://ex.vn/ns/grade": "A"}
    back = xmlread.to_json(xmlwrite.query_document(_answer(event)))
    read = back["epcisBody"]["queryResults"]["resultsBody"]["eventList"][0]
    assert read["ns0:grade"] == "A" and {"ns0": "https://ex.vn/ns/"} in back["@context"]


def test_a_key_xml_cannot_name_is_a_406_problem_not_a_crash():
    event = {**xmlread.to_json(EVENT.format(extra="").encode()), "vn:1st": "A"}
    with pytest.raises(Problem) as refused:
        xmlwrite.query_document(_answer(event))
    assert refused.value.status == 406 and "vn:1st" in refused.value.detail


@pytest.mark.parametrize(
    "extra",
    [
        {"vn:note": "chuông\u0007"},  # an extension's text
        {"vn:batch": {"@vn:grade": "A\u0000"}},  # an attribute
        {"vn:batch": {"#text": "\u001b[31m"}},  # the text of a nested element
        {"readPoint": {"id": "urn:epc:id:sgln:0614141.00777.0\u0008"}},  # a standard field
        {"disposition": "active\u000b"},  # a CBV term made a URN
        {"@context": [{"vn": "https://txng.example.vn/ns/\u0001"}], "vn:farm": "A"},
    ],
)
def test_a_character_xml_cannot_carry_is_a_406_problem_not_a_crash(extra):
    event = {**xmlread.to_json(EVENT.format(extra="").encode()), **extra}
    with pytest.raises(Problem) as refused:
        xmlwrite.query_document(_answer(event))
    assert refused.value.status == 406 and "JSON" in refused.value.detail


def test_a_query_as_xml_of_an_event_captured_with_a_control_character_answers_406(owner_api):
    from txng.epcis.tests.test_api import _document, _object_event

    body = _document(_object_event(**{"vn:note": "chuông\u0007"}))
    body["@context"].append({"vn": "https://txng.example.vn/ns/"})
    captured = owner_api.post("capture", body, content_type="application/ld+json")
    assert captured.status_code == 202, captured.content
    assert owner_api.get("events").status_code == 200  # JSON carries it
    as_xml = owner_api.get("events", headers={"Accept": XML})
    assert as_xml.status_code == 406 and "JSON" in as_xml.json()["detail"]


def test_a_document_written_in_a_default_epcis_namespace_reads_the_same():
    plain = xmlread.to_json(document("<vn:farm>A</vn:farm>").encode())
    qualified = document("<vn:farm>A</vn:farm>").replace(
        "<epcis:EPCISDocument ", '<epcis:EPCISDocument xmlns="urn:epcglobal:epcis:xsd:2" '
    )
    assert xmlread.to_json(qualified.encode()) == plain
