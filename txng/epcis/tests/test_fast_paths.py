"""Capture and query stay fast without giving up a guarantee: a document's events go in a fixed
number of statements whatever their count, with their identifier rows; a request with a key
costs three statements; the hash is GS1's whatever order documents come in; GS1's schema is
checked as RFC 3339 and RFC 3986 define its formats."""

import copy
import json
from collections import OrderedDict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from txng.common import eventhash, eventtime
from txng.epcis import capture
from txng.epcis.models import ApiKey, CaptureJob
from txng.epcis.tests.test_hashing import BASE_EVENT
from txng.tracing.models import Event, EventIdentifier

pytestmark = pytest.mark.django_db

CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]


def _event(n, **fields):
    return {
        "type": "ObjectEvent",
        "eventTime": f"2026-03-01T08:{n // 60 % 60:02d}:{n % 60:02d}.000+07:00",
        "eventTimeZoneOffset": "+07:00",
        "epcList": [f"urn:epc:id:sgtin:0614141.107346.{n}"],
        "quantityList": [{"epcClass": "urn:epc:class:lgtin:0614141.107346.L1", "quantity": 2}],
        "action": "OBSERVE",
        "bizStep": "shipping",
        "disposition": "in_transit",
        "readPoint": {"id": "https://id.gs1.org/414/8930000000002"},
        **fields,
    }


def _document(events, context=CONTEXT):
    return {
        "@context": context,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-03-01T08:00:00+07:00",
        "epcisBody": {"eventList": list(events)},
    }


@pytest.fixture
def owner_api(biz_owner, make_key, epcis):
    return epcis(make_key(biz_owner))


def _capture(api, document, **headers):
    response = api.post("capture", document, headers=headers)
    assert response.status_code == 202, response.content
    return api.get(response["Location"].removeprefix("/epcis/")).json()


def _statements(api, document):
    with CaptureQueriesContext(connection) as queries:
        assert api.post("capture", document).status_code == 202
    return len(queries)


def test_a_document_takes_as_many_statements_for_60_events_as_for_2(owner_api):
    few = _statements(owner_api, _document(_event(n) for n in range(2)))
    many = _statements(owner_api, _document(_event(n) for n in range(100, 160)))
    assert many == few
    assert Event.objects.count() == 62


def test_bulk_captured_events_have_their_identifier_rows_and_one_record_time(owner_api):
    job = _capture(owner_api, _document(_event(n) for n in range(3)))
    assert job["success"] is True, job["errors"]
    events = list(Event.objects.order_by("pk"))
    assert len(events) == 3
    for n, event in enumerate(events):
        rows = set(EventIdentifier.objects.filter(event=event).values_list("role", "value"))
        assert rows == {
            ("epc", f"https://id.gs1.org/01/10614141073464/21/{n}"),
            ("class", "https://id.gs1.org/01/10614141073464/10/L1"),
        }
        assert event.document["recordTime"] == events[0].document["recordTime"]
        recorded = timezone.datetime.fromisoformat(event.document["recordTime"])
        assert abs(recorded - event.record_time) < timedelta(milliseconds=1)
        assert event.event_id == eventhash.event_hash(dict(_event(n), **{"@context": CONTEXT}))
        assert event.read_point == "https://id.gs1.org/414/8930000000002"
        assert event.recorded_by is not None and event.title == "EPCIS ObjectEvent shipping"


def _looked_up(api, document, **headers):
    """The capture's job and whether it looked up which of its eventIDs were stored."""
    with CaptureQueriesContext(connection) as queries:
        job = _capture(api, document, **headers)
    job["captured"] = CaptureJob.objects.get(capture_id=job["captureID"]).captured
    return job, any("tracing_eventkey k" in q["sql"] for q in queries)


def test_a_new_document_is_stored_without_looking_up_its_event_ids(owner_api):
    job, looked_up = _looked_up(owner_api, _document(_event(n) for n in range(3)))
    assert job["success"] is True and job["captured"] == 3
    assert not looked_up


@pytest.mark.parametrize("behaviour", ["rollback", "proceed"])
def test_a_document_sent_again_with_a_new_event_stores_the_new_one_once(owner_api, behaviour):
    """The first COPY meets stored eventIDs and fails whole in its savepoint: the stored ones
    are then looked up and kept once, the new one stored."""
    headers = {"GS1-Capture-Error-Behaviour": behaviour}
    assert _looked_up(owner_api, _document([_event(1), _event(2)]), **headers)[0]["captured"] == 2
    job, looked_up = _looked_up(owner_api, _document(_event(n) for n in (1, 2, 3)), **headers)
    assert job["success"] is True and job["errors"] == [] and job["captured"] == 1
    assert looked_up
    assert Event.objects.count() == 3
    assert EventIdentifier.objects.filter(role="epc").count() == 3


def test_an_event_stored_meanwhile_is_kept_once_in_proceed_mode(owner_api, monkeypatch):
    """Another job may store an event between the duplicate check and the INSERT: the bulk
    INSERT then fails on the unique eventID, and proceed mode stores the rest one by one."""
    assert _capture(owner_api, _document([_event(1)]))["success"] is True
    everything_new = lambda prepared, known: (list(prepared), [])  # noqa: E731
    monkeypatch.setattr(capture, "_split", everything_new)
    job = _capture(
        owner_api,
        _document([_event(1), _event(2)]),
        **{"GS1-Capture-Error-Behaviour": "proceed"},
    )
    assert job["errors"] == []
    assert Event.objects.count() == 2
    assert EventIdentifier.objects.filter(role="epc").count() == 2


def test_an_event_stored_meanwhile_fails_the_whole_document_in_rollback_mode(
    owner_api, monkeypatch
):
    assert _capture(owner_api, _document([_event(1)]))["success"] is True
    monkeypatch.setattr(capture, "_split", lambda prepared, known: (list(prepared), []))
    job = _capture(owner_api, _document([_event(1), _event(2)]))
    assert job["success"] is False and "Ghi trùng" in job["errors"][0]["detail"]
    assert Event.objects.count() == 1


def test_a_query_with_a_key_takes_three_statements(owner_api):
    _capture(owner_api, _document([_event(1)]))
    with CaptureQueriesContext(connection) as queries:
        response = owner_api.get("events", MATCH_epc="urn:epc:id:sgtin:0614141.107346.1")
    assert response.status_code == 200
    assert len(response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]) == 1
    assert len(queries) == 3  # the key, its use counted, the events


def test_a_key_counts_its_uses_per_minute_and_notes_the_last(
    biz_owner, make_key, epcis, settings, monkeypatch
):
    settings.API_KEY_RATE_LIMIT = 2
    api = epcis(make_key(biz_owner))
    assert [api.get("events").status_code for _ in range(3)] == [200, 200, 429]
    key = ApiKey.objects.get()
    assert key.use_count == 3 and key.last_used_at is not None
    later = timezone.now() + timedelta(minutes=1)
    monkeypatch.setattr("txng.epcis.keys.timezone.now", lambda: later)
    assert api.get("events").status_code == 200
    key.refresh_from_db()
    assert key.use_count == 1 and key.last_used_at == later


def test_a_wrong_secret_does_not_use_up_the_keys_limit(biz_owner, make_key, epcis, settings):
    settings.API_KEY_RATE_LIMIT = 1
    clear = make_key(biz_owner)
    forged = clear[:-4] + ("aaaa" if not clear.endswith("aaaa") else "bbbb")
    assert [epcis(forged).get("events").status_code for _ in range(3)] == [401] * 3
    assert epcis(clear).get("events").status_code == 200


def test_an_offset_without_its_colon_is_not_an_rfc_3339_time(owner_api):
    document = _document([_event(1, eventTime="2026-03-01T08:00:00+0700")])
    response = owner_api.post("capture", document)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("epcisBody.eventList[0].eventTime:")


def test_a_uri_with_a_space_is_refused_naming_its_place(owner_api):
    document = _document([_event(1, epcList=["https://id.gs1.org/01/0893/21/a b"])])
    detail = owner_api.post("capture", document).json()["detail"]
    assert detail.startswith("epcisBody.eventList[0].epcList[0]: không đúng lược đồ")


def test_documents_with_other_prefixes_hash_apart_whatever_came_before():
    event = _event(1, **{"ex:lot": "A1"})
    first = eventhash.event_hash(event, [*CONTEXT, {"ex": "https://a.example/"}])
    second = eventhash.event_hash(event, [*CONTEXT, {"ex": "https://b.example/"}])
    again = eventhash.event_hash(event, [*CONTEXT, {"ex": "https://a.example/"}])
    assert first != second and first == again
    assert "{https://b.example/}lot=A1" in eventhash.pre_hash_string(
        event, [*CONTEXT, {"ex": "https://b.example/"}]
    )


def test_a_context_changed_in_place_is_not_taken_for_the_one_before():
    context = [*CONTEXT, {"ex": "https://a.example/"}]
    event = _event(1, **{"ex:lot": "A1"})
    before = eventhash.pre_hash_string(event, context)
    context[1]["ex"] = "https://b.example/"
    after = eventhash.pre_hash_string(event, context)
    assert "{https://a.example/}lot" in before and "{https://b.example/}lot" in after


@pytest.mark.parametrize("fraction", ["", "1", "12", "123", "1234", "1235", "99949", "9995", "5"])
def test_times_round_as_decimal_half_up(fraction):
    """The integer rounding of milliseconds gives what Decimal's ROUND_HALF_UP gave."""
    text = f"2026-12-31T23:59:59{'.' + fraction if fraction else ''}+07:00"
    millis = (Decimal("0." + (fraction or "0")) * 1000).to_integral_value(ROUND_HALF_UP)
    seconds = 59 + int(millis) // 1000
    expected = f"2026-12-31T16:59:{seconds:02d}.{int(millis) % 1000:03d}Z"
    if seconds == 60:
        expected = "2026-12-31T17:00:00.000Z"
    assert eventhash._normalise_time(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-31T23:59:59.9994999-05:30", "2027-01-01T05:29:59.999Z"),
        ("2026-12-31T23:59:59.99950001+07:00", "2026-12-31T17:00:00.000Z"),
        ("2026-03-01T00:00:00.000-00:00", "2026-03-01T00:00:00.000Z"),
        ("0999-06-01T12:00:00+01:00", "999-06-01T11:00:00.000Z"),
        ("2026-02-30T10:00:00Z", "2026-02-30T10:00:00Z"),  # no such day: hashed as written
        ("2026-03-01T10:00:00+24:00", "2026-03-01T10:00:00+24:00"),  # no such offset
        ("2026-03-01T10:00:60Z", "2026-03-01T10:00:60Z"),
    ],
)
def test_times_past_six_decimals_impossible_days_and_offsets_normalise_as_before(text, expected):
    """Times are read by datetime's ISO parser now: what the aware-datetime code gave holds."""
    assert eventhash._normalise_time(text) == expected


def test_a_document_of_events_hashes_as_each_event_alone():
    document = _document([_event(n) for n in range(5)])
    alone = [
        eventhash.event_hash(copy.deepcopy(dict(e, **{"@context": CONTEXT})))
        for e in document["epcisBody"]["eventList"]
    ]
    eventhash.digital_link.cache_clear()
    assert eventhash.document_hashes(document) == alone


@pytest.mark.parametrize(
    "uri",
    [
        "https://id.gs1.org/01/08930000000019/21/C5",
        "https://id.gs1.org/01/08930000000019/21/lot",  # a serial spelled like a short name
        "https://id.gs1.org/01/08930000000019/21/C5?linkType=all",
        "https://id.gs1.org/01/08930000000019/21/C5/10/L1",
        "https://id.gs1.org/01/8930000000019/21/C5",
        "https://example.com/01/08930000000019/21/C5",
    ],
)
def test_a_serial_link_in_canonical_form_normalises_as_the_general_path_does(uri):
    assert eventhash.digital_link(uri) == eventhash._general_link(uri)


@pytest.mark.parametrize(
    ("encoding", "kept_as_sent"),
    [("utf-8", True), ("utf-8-sig", True), ("utf-16", False), ("utf-32", False)],
)
def test_a_job_keeps_the_json_text_it_was_sent_in_any_encoding_json_allows(
    owner_api, encoding, kept_as_sent
):
    """The job keeps the body itself when it is UTF-8 (PostgreSQL no longer parses it), else
    the document written again; either way the worker reads back what was checked."""
    extension = {"https://ex.vn/ns/ghichu": "Hà Giang"}
    text = json.dumps(_document([_event(1, **extension)]), ensure_ascii=False)
    job = _capture(owner_api, text.encode(encoding))
    assert job["success"] is True, job["errors"]
    stored = CaptureJob.objects.get(capture_id=job["captureID"]).document
    assert (stored == text) is kept_as_sent
    assert json.loads(stored) == json.loads(text)
    event = Event.objects.get()
    assert event.document["https://ex.vn/ns/ghichu"] == "Hà Giang"


def test_an_integer_beyond_64_bits_in_an_extension_is_kept_exactly(owner_api):
    big = 2**70 + 1
    job = _capture(owner_api, _document([_event(1, **{"https://ex.vn/ns/so": big})]))
    assert job["success"] is True, job["errors"]
    assert Event.objects.get().document["https://ex.vn/ns/so"] == big


@pytest.mark.parametrize("number", ["1e400", "-1e400", "NaN", "Infinity"])
def test_a_number_json_cannot_write_back_is_refused_naming_it(owner_api, number):
    """Python would read it as infinity (or NaN), which no JSON writer writes back as it was."""
    text = json.dumps(_document([_event(1)])).replace('"quantity": 2', f'"quantity": {number}')
    assert number in text
    response = owner_api.post("capture", text)
    assert response.status_code == 400
    assert "Không đọc được JSON" in response.json()["detail"]
    assert not CaptureJob.objects.exists()


@pytest.mark.parametrize(
    ("character", "encoding"),
    [("\x00", "utf-8"), ("\ud800", "utf-8"), ("\udfff", "utf-8"), ("\x00", "utf-16")],
)
def test_a_text_postgresql_or_utf8_cannot_store_is_refused_naming_its_field(
    owner_api, character, encoding
):
    """JSON allows a NUL character and a lone surrogate (as escapes); found by the task worker
    they made the client's error a server error, with the document to send again for ever."""
    text = json.dumps(_document([_event(1, **{"https://ex.vn/ns/ghichu": f"a{character}b"})]))
    assert f"a\\u{ord(character):04x}b" in text
    response = owner_api.post("capture", text.encode(encoding))
    assert response.status_code == 400
    assert response.json()["detail"].startswith("epcisBody/eventList/0/https://ex.vn/ns/ghichu:")
    assert not CaptureJob.objects.exists()


def test_a_surrogate_pair_written_as_escapes_is_kept(owner_api):
    text = json.dumps(_document([_event(1, **{"https://ex.vn/ns/ghichu": "lá 🌿"})]))
    assert "\\ud83c\\udf3f" in text
    job = _capture(owner_api, text)
    assert job["success"] is True, job["errors"]
    assert Event.objects.get().document["https://ex.vn/ns/ghichu"] == "lá 🌿"


def test_a_reference_that_does_not_exist_is_a_server_error_not_a_duplicate(
    owner_api, biz_owner, monkeypatch
):
    """Only a unique eventID sends capture the duplicate way; a missing reference (here the
    key's user, gone) fails the job as the server's error, once, without retries."""
    from txng.accounts.models import User

    monkeypatch.setattr(User, "pk", property(lambda self: 987654, lambda self, value: None))
    job = _capture(owner_api, _document([_event(1)]))
    assert job["success"] is False
    assert job["errors"][0]["type"].endswith("ImplementationException")
    assert not Event.objects.exists()


# -- the event hash's shortcuts give the general path's result ---------------------------------

VECTORS = Path(__file__).resolve().parent / "data" / "event-hash"


@pytest.mark.parametrize("name", sorted(p.stem for p in VECTORS.glob("*.jsonld")))
def test_every_vector_event_has_the_general_paths_pre_hash_string_twice_in_a_row(name):
    """The second round finds each repeated field's part already worked out."""
    document = json.loads((VECTORS / f"{name}.jsonld").read_text(encoding="utf-8"))
    context, ignored = document.get("@context"), eventhash.document_ignore_fields(document)
    events = eventhash.document_events(document)
    general = [
        eventhash._general_pre_hash_string(e, context, ignore_fields=ignored) for e in events
    ]
    for _ in range(2):
        fast = [eventhash.pre_hash_string(e, context, ignore_fields=ignored) for e in events]
        assert fast == general


# Values a field may hold in a document, hashed one after the other in one context: the parts
# kept for texts must never answer for another type, spacing or shape of the same value.
VARIANTS = {
    "action": [
        "OBSERVE",
        " OBSERVE ",
        "",
        "  ",
        None,
        True,
        1,
        1.0,
        "1",
        "1.0",
        ["ADD", "OBSERVE"],
    ],
    "bizStep": [
        "shipping",
        "urn:epcglobal:cbv:bizstep:shipping",
        "cbv:BizStep-shipping",
        "https://ref.gs1.org/cbv/BizStep-shipping",
        "gs1:shipping",
        "no_such_step",
        {"id": "shipping"},
        ["shipping", "receiving"],
    ],
    "disposition": ["in_transit", " in_transit", 7, False, {"id": 1}],
    "readPoint": [
        {"id": "urn:epc:id:sgln:4012345.00005.0"},
        {"id": "https://id.gs1.org/414/4012345000054"},
        "https://id.gs1.org/414/4012345000054",
        {"id": " https://id.gs1.org/414/4012345000054 "},
        {"id": ""},
        {"id": None},
        {"id": 5},
        {"id": "urn:epc:id:sgln:4012345.00005.0", "ex:dock": "4"},
        {"ex:dock": "4"},
        OrderedDict(id="urn:epc:id:sgln:4012345.00005.0"),
        [{"id": "urn:epc:id:sgln:4012345.00005.0"}],
        {},
        None,
    ],
    "epcList": [
        ["urn:epc:id:sgtin:4012345.011111.9876"],
        [" https://id.gs1.org/01/04012345111118/21/9876 "],
        ["https://id.gs1.org/01/04012345111118/21/lot"],
        ["https://example.com/01/04012345111118/21/9876?linkType=all"],
        ["urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8"],
        ["ex:item1"],
        ["123.40"],
        [""],
        [None],
        [5],
        ["urn:epc:id:sgtin:4012345.011111.2", "urn:epc:id:sgtin:4012345.011111.1"],
        "urn:epc:id:sgtin:4012345.011111.9876",
        [],
    ],
    "eventTime": [
        "2020-03-04T11:00:30.000+01:00",
        "2020-03-04T11:00:30.5+01:00",
        " 2020-03-04T11:00:31.25+01:00 ",
        "2020-03-04T11:00:30.1235+01:00",
        "2020-03-04T11:00:60.000+01:00",
        "2020-03-04T24:00:00Z",
        "2020-02-30T11:00:30Z",
        "yesterday",
        "",
        20200304,
    ],
    "eventTimeZoneOffset": ["+01:00", " +01:00", "-00:00"],
}


def _variant_events():
    base = BASE_EVENT
    events = [dict(base, **{name: value}) for name, values in VARIANTS.items() for value in values]
    events.append(dict(base, **{"ex:lot": "A1", "sourceList": [{"type": "owning_party"}]}))
    events.append({key: value for key, value in base.items() if key != "eventTime"})
    return events


@pytest.mark.parametrize(
    "context", [None, [*CONTEXT, {"ex": "https://ex.vn/ns/", "https": "https://gs1.org/voc/"}]]
)
def test_values_of_other_types_spacing_or_shape_hash_as_the_general_path_in_one_context(context):
    events = _variant_events()
    general = [eventhash._general_pre_hash_string(e, context) for e in events]
    for _ in range(2):  # the second round meets every part already kept
        assert [eventhash.pre_hash_string(e, context) for e in events] == general


def test_the_parts_kept_for_a_context_stay_bounded(monkeypatch):
    monkeypatch.setattr(eventhash, "_PARTS_KEPT", 3)
    events = [_event(1, action=f"A{n}") for n in range(10)]
    assert [eventhash.pre_hash_string(e, CONTEXT) for e in events] == [
        eventhash._general_pre_hash_string(e, CONTEXT) for e in events
    ]
    kept = eventhash._make_context(events[0], CONTEXT, ()).parts["action"]
    assert 0 < len(kept) <= 4


def test_an_aggregations_parent_new_in_each_event_is_not_kept():
    events = [
        _event(1, type="AggregationEvent", parentID=f"urn:epc:id:sscc:0614141.{n:010d}")
        for n in range(5)
    ]
    assert [eventhash.pre_hash_string(e, CONTEXT) for e in events] == [
        eventhash._general_pre_hash_string(e, CONTEXT) for e in events
    ]
    assert not eventhash._make_context(events[0], CONTEXT, ()).parts.get("parentID")


def test_the_plans_kept_for_a_context_stay_bounded():
    events = [_event(1, **{f"ex:f{n}": "x"}) for n in range(300)]
    assert [eventhash.pre_hash_string(e, CONTEXT) for e in events] == [
        eventhash._general_pre_hash_string(e, CONTEXT) for e in events
    ]
    assert 0 < len(eventhash._make_context(events[0], CONTEXT, ()).plans) <= 257


def test_a_usual_time_keeps_its_minute_only_without_a_newline_after_the_offset():
    assert eventtime._usual_minute("2026-03-01T08:15", "Z") == "2026-03-01T08:15"
    assert eventtime._usual_minute("2026-03-01T08:15", "Z\n") is None


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-01T08:15:30Z",
        "2026-03-01T08:15:30.1+07:00",
        "2026-03-01T08:15:30.12-05:30",
        "2026-03-01T08:15:30.123-00:00",
        "2026-03-01T08:15:59.999+14:00",
        "2026-03-01T00:00:00.000+00:01",
        "2026-12-31T23:59:59.999-14:00",  # a new year in UTC
        "2024-02-29T23:30:00.25-01:00",  # a leap day
        "2026-02-29T10:00:00Z",  # no such day
        "2026-13-01T10:00:00Z",
        "2026-03-01T10:60:00Z",
        "2026-03-01T24:00:00Z",
        "2026-03-01T10:00:60.000Z",  # a leap second is not read as a time
        "2026-03-01T10:00:00+24:00",
        "2026-03-01T10:00:00+07:60",  # datetime reads it as +08:00
        "2026-03-01T10:00:00Z\n",  # $ allows a newline, datetime does not
        "2026-03-01T10:00:00.1235+07:00",  # four decimals: rounded by the general path
        "0999-06-01T12:00:00.5+01:00",  # written unpadded
        "1000-01-01T00:59:59.999+01:00",
        "0001-01-01T00:30:00+01:00",  # no UTC form
        "0001-01-01T01:30:00.5+01:00",
        "9999-12-31T23:59:59.999-00:30",
        "9999-12-31T23:59:59.999Z",
    ],
)
def test_a_time_normalises_through_its_minute_as_the_general_path_does(text):
    """Both ways twice: the second time finds the minute already worked out."""
    try:
        expected = eventtime._general_time(text, "eventTime")
    except eventtime.TimeOutOfRange:
        expected = eventtime.TimeOutOfRange
    for _ in range(2):
        if expected is eventtime.TimeOutOfRange:
            with pytest.raises(eventtime.TimeOutOfRange) as raised:
                eventtime._normalise_time(text, None, "eventTime")
            assert raised.value.field == "eventTime" and raised.value.text == text
        else:
            assert eventtime._normalise_time(text, None, "eventTime") == expected


# Texts near the usual form "2026-03-01T08:15:30.123+07:00", which is taken without the pattern.
NEAR_THE_USUAL_FORM = [
    "2026-03-01T08:15:30.123+07:00",
    "2026-03-01T08:15:30.123Z",
    " 2026-03-01T08:15:30.123-05:30 ",
    "2026-03-01T08:15:30.1234Z",  # a fourth decimal, read as part of the offset would be
    "2026-03-01T08:15:30.123456+07:00",
    "2026-03-01T08:15:30.12+07:00",
    "2026-03-01T08:15:30+07:00",
    "2026-03-01T08:15:60.000+07:00",
    "2026-03-01T08:15:3a.000+07:00",
    "2026-03-01T08:15:3٣.000+07:00",  # not an ASCII digit
    "2026-03-01T08:15:30.00٣+07:00",
    "2026-03-01T08:15:30.000+07:00x",
    "2026-03-01T08:15:30.000+0700",
    "2026-03-01T08:15:30.000+07:60",
    "2026-03-01T08:15:30.000+24:00",
    "2026-03-01T24:00:00.000Z",
    "2026-02-30T08:15:30.000Z",
    "２026-03-01T08:15:30.000Z",
    "2026-03-01T08:15x30.000Z",
    "2026-03-01T08:15:30x000Z",
    "0001-01-01T00:30:00.000+01:00",
    "0999-06-01T12:00:00.500+01:00",
    "not a time at all, long enough",
    "",
]


@pytest.mark.parametrize("text", NEAR_THE_USUAL_FORM)
def test_a_time_field_renders_as_the_general_path_does(text):
    render, ctx = eventhash._scalar(), eventhash._new_context(None, CONTEXT, ())
    try:
        expected = render("eventTime", text, ctx)
    except eventtime.TimeOutOfRange:
        with pytest.raises(eventtime.TimeOutOfRange):
            eventhash._time_part("eventTime", text, ctx, render)
        return
    for _ in range(2):  # the second time finds the minute already worked out
        assert eventhash._time_part("eventTime", text, ctx, render) == expected


@pytest.mark.parametrize("text", NEAR_THE_USUAL_FORM)
def test_a_time_near_the_usual_form_normalises_as_the_general_path_does(text):
    """normalised_time (capture's check of every time) takes the same shortcut as the hash."""
    text = text.strip()
    try:
        expected = (
            eventtime._general_time(text, "eventTime") if eventtime._DATETIME.match(text) else text
        )
    except eventtime.TimeOutOfRange:
        with pytest.raises(eventtime.TimeOutOfRange):
            eventtime.normalised_time(text, "eventTime")
        return
    for _ in range(2):  # the second time finds the minute already worked out
        assert eventtime.normalised_time(text, "eventTime") == expected


def test_times_in_one_minute_keep_their_own_seconds():
    assert [eventtime._normalise_time(f"2026-03-01T08:15:{s:02d}.5+07:00") for s in (0, 7)] == [
        "2026-03-01T01:15:00.500Z",
        "2026-03-01T01:15:07.500Z",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "https://id.gs1.org/01/04012345111118/21/9876",
        "https://example.com/01/04012345111118/10/L1/21/S1?x=1",
        "https://ref.gs1.org/cbv/BizStep-shipping",
        "http://example.com/2023/01/15/post",
        "https://",
        "http://1",
        "https:BizStep-shipping",  # a CURIE, when the context names "https" a prefix
        "http:x",
    ],
)
@pytest.mark.parametrize(
    "prefixes", [{}, {"https": "https://gs1.org/voc/", "http": "https://ref.gs1.org/"}]
)
def test_a_web_uri_normalises_as_the_general_path_does(text, prefixes):
    ctx = eventhash._new_context(None, [prefixes], ())
    assert eventhash._work_out_text(text, ctx) == eventhash._general_text(text, ctx)
