"""Every query parameter of EPCIS 2.0 (REST Bindings/openapi.json and query-schema.json) that
looks inside an event: quantities, sensor data, persistent dispositions, error declarations,
ILMD, user extensions and WD_ locations. Each case names the events it must return, so a
parameter ignored (all events) or mis-read (none) fails."""

import pytest

from txng.epcis.tests.conftest import example
from txng.epcis.tests.test_api import _document, _events, _object_event

pytestmark = pytest.mark.django_db

CONTEXT = [
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    {"ex": "https://ns.example.com/epcis/"},
]
CLASS = "https://id.gs1.org/01/08930000000019/10/LO-1"

SENSOR = _object_event(
    epc="https://id.gs1.org/01/08930000000019/21/1",
    when="2026-03-01T08:00:00+07:00",
    eventID="urn:uuid:00000000-0000-4000-8000-000000000001",
    bizStep="sensor_reporting",
    disposition="in_progress",
    readPoint={"id": "https://id.gs1.org/414/8930000000101/254/7", "ex:dock": "D1"},
    quantityList=[{"epcClass": CLASS, "quantity": 10, "uom": "KGM"}],
    persistentDisposition={"set": ["completeness_verified"], "unset": ["completeness_inferred"]},
    sensorElementList=[
        {
            "sensorMetadata": {
                "time": "2026-03-01T01:00:00Z",
                "startTime": "2026-02-28T00:00:00Z",
                "endTime": "2026-03-01T00:00:00Z",
                "deviceID": "urn:epc:id:giai:4000001.111",
                "dataProcessingMethod": "https://example.com/gdti/4012345000054987",
                "bizRules": "https://example.org/gdti/4012345000054987",
                "ex:calibrated": "2026-01-01",
            },
            "sensorReport": [
                {
                    "type": "Temperature",
                    "value": 9.5,
                    "minValue": 2,
                    "maxValue": 9.5,
                    "meanValue": 5.25,
                    "sDev": 1.5,
                    "percRank": 50,
                    "percValue": 7,
                    "uom": "CEL",
                    "ex:probe": {"ex:channel": "A"},
                },
                {
                    "type": "gs1:Humidity",
                    "stringValue": "dry",
                    "booleanValue": True,
                    "hexBinaryValue": "F0F0",
                    "uriValue": "https://example.org/reading/1",
                    "microorganism": "https://www.ncbi.nlm.nih.gov/taxonomy/1126011",
                    "chemicalSubstance": "https://identifiers.org/inchikey:CZMRCDWAGMRECN",
                },
            ],
            "ex:element": 3,
        }
    ],
    **{"ex:batchNote": "sunny", "ex:readings": {"ex:nested": {"ex:deep": 42}}},
)
PLAIN = _object_event(
    epc="https://id.gs1.org/01/08930000000019/21/2",
    when="2026-03-02T08:00:00+07:00",
    eventID="urn:uuid:00000000-0000-4000-8000-000000000002",
    action="ADD",
    bizStep="commissioning",
    disposition="active",
    bizLocation={"id": "https://id.gs1.org/414/8930000000200"},
    quantityList=[{"epcClass": CLASS, "quantity": 3}],
    ilmd={"ex:grade": "A", "ex:harvest": "2026-02-01T00:00:00+07:00", "ex:bag": {"ex:kg": 25}},
)
TRANSFORM = {
    "type": "TransformationEvent",
    "eventID": "urn:uuid:00000000-0000-4000-8000-000000000003",
    "eventTime": "2026-03-03T08:00:00+07:00",
    "eventTimeZoneOffset": "+07:00",
    "inputEPCList": ["https://id.gs1.org/01/08930000000019/21/1"],
    "outputEPCList": ["https://id.gs1.org/01/08930000000019/21/9"],
    "transformationID": "https://id.gs1.org/253/4012345000054987",
    "bizStep": "commissioning",
}
S, P, T = "S", "P", "T"
IDS = {SENSOR["eventID"]: S, PLAIN["eventID"]: P, TRANSFORM["eventID"]: T}

CASES = [
    ({"EQ_quantity": "10"}, {S}),
    ({"EQ_quantity": "3|10"}, {S, P}),
    ({"GT_quantity": "3"}, {S}),
    ({"GE_quantity": "3"}, {S, P}),
    ({"LT_quantity": "10"}, {P}),
    ({"LE_quantity": "10"}, {S, P}),
    ({"EQ_quantity_KGM": "10"}, {S}),
    ({"GE_quantity_KGM": "1"}, {S}),
    ({"LT_quantity_LTR": "100"}, set()),
    ({"EXISTS_sensorElementList": ""}, {S}),
    ({"EQ_type": "Temperature"}, {S}),
    ({"EQ_type": "https://gs1.org/voc/Humidity"}, {S}),
    ({"EQ_type": "Pressure"}, set()),
    ({"EQ_deviceID": "urn:epc:id:giai:4000001.111"}, {S}),
    ({"EQ_dataProcessingMethod": "https://example.com/gdti/4012345000054987"}, {S}),
    ({"EQ_bizRules": "https://example.org/gdti/4012345000054987"}, {S}),
    ({"EQ_microorganism": "https://www.ncbi.nlm.nih.gov/taxonomy/1126011"}, {S}),
    ({"EQ_chemicalSubstance": "https://identifiers.org/inchikey:CZMRCDWAGMRECN"}, {S}),
    ({"EQ_stringValue": "dry"}, {S}),
    ({"EQ_stringValue": "wet"}, set()),
    ({"EQ_booleanValue": "true"}, {S}),
    ({"EQ_booleanValue": "false"}, set()),
    ({"EQ_hexBinaryValue": "F0F0"}, {S}),
    ({"EQ_uriValue": "https://example.org/reading/1"}, {S}),
    ({"GE_time": "2026-03-01T07:59:00+07:00"}, {S}),
    ({"LT_time": "2026-03-01T07:59:00+07:00"}, set()),
    ({"GE_startTime": "2026-02-28T00:00:00Z"}, {S}),
    ({"LT_startTime": "2026-02-28T00:00:00Z"}, set()),
    ({"GE_endTime": "2026-03-01T00:00:01Z"}, set()),
    ({"LT_endTime": "2026-03-01T00:00:01Z"}, {S}),
    ({"EQ_value_CEL": "9.5"}, {S}),
    ({"GE_value_CEL": "8"}, {S}),
    ({"GT_value_CEL": "9.5"}, set()),
    ({"LE_value_CEL": "9.5"}, {S}),
    ({"LT_value_CEL": "9.5"}, set()),
    ({"GE_value_FAH": "8"}, set()),
    ({"GE_minValue_CEL": "2"}, {S}),
    ({"LT_minValue_CEL": "2"}, set()),
    ({"LE_maxValue_CEL": "9"}, set()),
    ({"GT_maxValue_CEL": "9"}, {S}),
    ({"GE_meanValue_CEL": "5.25"}, {S}),
    ({"LT_meanValue_CEL": "5"}, set()),
    ({"LT_sDev_CEL": "2"}, {S}),
    ({"GT_sDev_CEL": "2"}, set()),
    ({"GE_percValue_CEL": "7"}, {S}),
    ({"LE_percValue_CEL": "6"}, set()),
    ({"GE_percRank": "50"}, {S}),
    ({"GT_percRank": "50"}, set()),
    ({"LT_percRank": "51"}, {S}),
    ({"LE_percRank": "49"}, set()),
    ({"EQ_persistentDisposition_set": "completeness_verified"}, {S}),
    ({"EQ_persistentDisposition_set": "https://ref.gs1.org/cbv/Disp-completeness_verified"}, {S}),
    ({"EQ_persistentDisposition_set": "completeness_inferred"}, set()),
    ({"EQ_persistentDisposition_unset": "completeness_inferred"}, {S}),
    ({"EQ_transformationID": "https://id.gs1.org/253/4012345000054987"}, {T}),
    ({"EQ_eventID": PLAIN["eventID"]}, {P}),
    ({"EQ_ILMD_ex:grade": "A"}, {P}),
    ({"EQ_ILMD_ex:grade": "B"}, set()),
    ({"GE_ILMD_ex:harvest": "2026-01-31T17:00:00Z"}, {P}),
    ({"LT_ILMD_ex:harvest": "2026-01-31T17:00:00Z"}, set()),
    ({"GT_ILMD_ex:harvest": "2026-01-31T17:00:00Z"}, set()),
    ({"EXISTS_ILMD_ex:grade": ""}, {P}),
    ({"EXISTS_ILMD_ex:grade": "false"}, {S, P, T}),
    ({"EQ_INNER_ILMD_ex:kg": "25"}, {P}),
    ({"GT_INNER_ILMD_ex:kg": "25"}, set()),
    ({"EXISTS_INNER_ILMD_ex:kg": ""}, {P}),
    ({"EQ_ex:batchNote": "sunny"}, {S}),
    ({"EXISTS_ex:batchNote": ""}, {S}),
    ({"EQ_INNER_ex:deep": "42"}, {S}),
    ({"GE_INNER_ex:deep": "40"}, {S}),
    ({"LE_INNER_ex:deep": "41"}, set()),
    ({"EXISTS_INNER_ex:deep": ""}, {S}),
    ({"EQ_SENSORELEMENT_ex:element": "3"}, {S}),
    ({"EQ_SENSORMETADATA_ex:calibrated": "2026-01-01"}, {S}),
    ({"EXISTS_SENSORREPORT_ex:probe": ""}, {S}),
    ({"EQ_INNER_SENSORREPORT_ex:channel": "A"}, {S}),
    ({"EQ_readPoint_ex:dock": "D1"}, {S}),
    ({"EQ_INNER_readPoint_ex:dock": "D1"}, set()),
    ({"WD_readPoint": "https://id.gs1.org/414/8930000000101"}, {S}),
    ({"EQ_readPoint": "https://id.gs1.org/414/8930000000101"}, set()),
    ({"WD_bizLocation": "https://id.gs1.org/414/8930000000200"}, {P}),
]


@pytest.fixture
def owner_api(biz_owner, make_key, epcis):
    return epcis(make_key(biz_owner))


@pytest.fixture
def captured(owner_api):
    document = _document(SENSOR, PLAIN, TRANSFORM)
    document["@context"] = CONTEXT
    response = owner_api.post("capture", document)
    assert response.status_code == 202, response.content
    job = owner_api.get(response["Location"].removeprefix("/epcis/")).json()
    assert job["success"] and not job["errors"], job
    return owner_api


def test_each_standard_parameter_selects_its_events(captured):
    """One capture, then every case (a test per case would capture the same three events
    eighty times); a failure lists every case that went wrong."""
    wrong = {}
    for params, expected in CASES:
        found = {IDS[e["eventID"]] for e in _events(captured.get("events", **params))}
        if found != expected:
            wrong[str(params)] = (sorted(found), sorted(expected))
    assert not wrong


def test_every_parameter_of_the_standard_has_a_case():
    """The OpenAPI's and the query schema's fixed names are all answered (or refused with the
    reason, for master-data attributes), and each new one has a case above."""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parent / "data" / "epcis2" / "REST Bindings"
    schema = json.loads((root / "query-schema.json").read_text())
    names = set(schema["definitions"]["EPCIS-Query"]["properties"]) - {"@context"}
    tested = {next(iter(params)) for params, _e in CASES}
    older = {  # answered before this change, with their own tests in test_api.py
        "eventType",
        "GE_eventTime",
        "LT_eventTime",
        "GE_recordTime",
        "LT_recordTime",
        "EQ_action",
        "EQ_bizStep",
        "EQ_disposition",
        "EQ_readPoint",
        "EQ_bizLocation",
        "orderBy",
        "orderDirection",
        "eventCountLimit",
        "maxEventCount",
        "EXISTS_errorDeclaration",
        "EQ_errorReason",
        "EQ_correctiveEventID",
        "GE_errorDeclaration_Time",
        "LT_errorDeclaration_Time",
    }
    missing = {n for n in names - tested - older if not n.startswith("MATCH_")}
    assert not missing


def test_error_declaration_parameters(owner_api):
    document = example("AssociationEvent/AssociationEvent-g.jsonld")
    declaration = document["epcisBody"]["eventList"][0]
    original = {k: v for k, v in declaration.items() if k != "errorDeclaration"}
    owner_api.post("capture", _document(original))
    owner_api.post("capture", _document(declaration))
    corrective = declaration["errorDeclaration"]["correctiveEventIDs"][0]

    def count(**params):
        return len(_events(owner_api.get("events", **params)))

    assert count() == 2
    assert count(EQ_correctiveEventID=corrective) == 1
    assert count(EQ_correctiveEventID="urn:uuid:00000000-0000-4000-8000-00000000000f") == 0
    assert count(EQ_errorReason="incorrect_data") == 1
    assert count(EQ_errorReason="urn:epcglobal:cbv:er:incorrect_data") == 1
    assert count(EQ_errorReason="did_not_occur") == 0
    # declared at 2019-11-07T14:00+01:00 = 13:00Z
    assert count(GE_errorDeclarationTime="2019-11-07T13:00:00Z") == 1
    assert count(LT_errorDeclarationTime="2019-11-07T13:00:00Z") == 0
    assert count(GE_errorDeclaration_Time="2019-11-07T13:00:01Z") == 0
    assert count(LT_errorDeclaration_Time="2019-11-08T00:00:00+07:00") == 1
    assert count(EXISTS_errorDeclaration="false") == 2


def test_wd_location_takes_in_the_facilities_of_a_business(biz_owner, make_key, epcis):
    """A business (its PGLN or https party URI) contains its facilities: WD_ finds events at
    any of them, EQ_ only at the URI itself."""
    from txng.catalog.models import Facility, FacilityKind
    from txng.tracing.codes import location_uri, party_uri

    business = biz_owner.organisation
    farm = Facility.objects.create(business=business, name="Trại", kind=FacilityKind.values[0])
    api = epcis(make_key(biz_owner))
    here = _object_event(
        readPoint={"id": location_uri(farm)}, bizLocation={"id": location_uri(farm)}
    )
    elsewhere = _object_event(epc="https://id.gs1.org/01/08930000000019/21/5")
    api.post("capture", _document(here, elsewhere))
    party = party_uri(business)
    assert len(_events(api.get("events", WD_bizLocation=party))) == 1
    assert len(_events(api.get("events", WD_readPoint=party))) == 1
    assert _events(api.get("events", EQ_bizLocation=party)) == []


@pytest.mark.parametrize(
    "name",
    ["EQ_colour", "GE_value_celsius", "EQ_minValue_CEL", "EXISTS_readPoint_ex:dock", "GE_weight"],
)
def test_names_outside_the_standard_stay_refused(owner_api, name):
    response = owner_api.get("events", **{name: "1"})
    assert response.status_code == 400
    assert response.json()["type"] == "epcisException:QueryParameterException"
    assert name in response.json()["detail"]


def test_master_data_attributes_are_refused_with_the_reason(owner_api):
    response = owner_api.get("events", HASATTR_readPoint="ex:name")
    assert response.status_code == 400
    assert "master data" in response.json()["detail"]


def test_a_number_parameter_with_text_is_a_query_problem(owner_api):
    response = owner_api.get("events", GE_quantity="many")
    assert response.status_code == 400
    assert "GE_quantity" in response.json()["detail"]


@pytest.mark.parametrize("odd", ["2026-02-30T10:00:00Z", "2026-01-01T25:00:00Z", "2026-01-01Tx"])
def test_an_impossible_date_in_one_event_fails_only_its_own_test(owner_api, odd):
    """A user field is free text: a date that looks like one but is not, in one event, leaves
    the other events' answer as it was instead of making the whole query a database error."""
    bad = _object_event(
        epc="https://id.gs1.org/01/08930000000019/21/3",
        eventID="urn:uuid:00000000-0000-4000-8000-000000000004",
        action="ADD",
        ilmd={"ex:harvest": odd},
    )
    document = _document(SENSOR, PLAIN, TRANSFORM, bad)
    document["@context"] = CONTEXT
    assert owner_api.post("capture", document).status_code == 202
    for params, expected in [
        ({"GE_ILMD_ex:harvest": "2026-01-31T17:00:00Z"}, {P}),
        ({"LT_ILMD_ex:harvest": "2027-01-01T00:00:00Z"}, {P}),
        ({"EQ_ILMD_ex:harvest": odd}, {"bad"}),
    ]:
        found = {IDS.get(e["eventID"], "bad") for e in _events(owner_api.get("events", **params))}
        assert found == expected, params
