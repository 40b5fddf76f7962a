"""The EPCIS REST binding's behaviour beyond GS1's examples: keys, who sees what, capture
modes, error declarations and the query parameters."""

import copy
from urllib.parse import quote

import pytest

from txng.audit.models import AuditEntry
from txng.catalog.tests.helpers import draft
from txng.epcis import keys
from txng.epcis.models import ApiKey
from txng.epcis.tests.conftest import example
from txng.tracing import actions as tracing
from txng.tracing.models import Event

pytestmark = pytest.mark.django_db

SGTIN = "urn:epc:id:sgtin:0614141.107346.2017"


def _object_event(epc=SGTIN, when="2026-03-01T08:00:00+07:00", **fields):
    return {
        "type": "ObjectEvent",
        "eventTime": when,
        "eventTimeZoneOffset": "+07:00",
        "epcList": [epc],
        "action": "OBSERVE",
        "bizStep": "shipping",
        "disposition": "in_transit",
        **fields,
    }


def _document(*events):
    return {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-03-01T08:00:00+07:00",
        "epcisBody": {"eventList": list(events)},
    }


def _events(response):
    assert response.status_code == 200, response.content
    return response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]


@pytest.fixture
def owner_api(biz_owner, make_key, epcis):
    return epcis(make_key(biz_owner))


def test_anonymous_gets_a_401_problem_document(epcis):
    response = epcis(None).get("events")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "epcisException:SecurityException"


def test_a_signed_in_session_is_not_a_key(client, biz_owner):
    client.force_login(biz_owner)
    assert client.get("/epcis/events").status_code == 401


def test_key_is_stored_hashed_and_shown_only_at_creation(biz_owner):
    key, clear = keys.create_key(actor=biz_owner, name="kho", scopes=["query"])
    assert clear.startswith(f"txng_{key.prefix}_")
    assert clear not in str(ApiKey.objects.filter(pk=key.pk).values().get())
    assert keys.key_for(clear) == key
    assert keys.key_for(clear[:-1] + ("A" if clear[-1] != "A" else "B")) is None


def test_revoked_and_rotated_keys_stop_working(biz_owner, epcis):
    key, clear = keys.create_key(actor=biz_owner, name="kho", scopes=["query"])
    new, new_clear = keys.rotate_key(key, actor=biz_owner)
    assert epcis(clear).get("events").status_code == 401
    assert epcis(new_clear).get("events").status_code == 200
    keys.revoke_key(new, actor=biz_owner)
    assert epcis(new_clear).get("events").status_code == 401


def test_a_key_stops_when_its_maker_leaves(biz_owner, epcis):
    _key, clear = keys.create_key(actor=biz_owner, name="kho", scopes=["query"])
    biz_owner.is_active = False
    biz_owner.save()
    assert epcis(clear).get("events").status_code == 401


def test_every_key_change_is_audited(biz_owner):
    key, _ = keys.create_key(actor=biz_owner, name="kho", scopes=["query"])
    new, _ = keys.rotate_key(key, actor=biz_owner)
    keys.revoke_key(new, actor=biz_owner)
    actions = list(
        AuditEntry.objects.filter(action__startswith="epcis.key").values_list("action", flat=True)
    )
    assert sorted(actions) == ["epcis.key_create", "epcis.key_revoke", "epcis.key_rotate"]


def test_staff_and_officers_cannot_make_keys(biz_owner, dept_officer):
    from django.core.exceptions import PermissionDenied

    from txng.accounts.tests.factories import UserFactory

    staff = UserFactory(organisation=biz_owner.organisation, role="staff")
    for user in (staff, dept_officer):
        with pytest.raises(PermissionDenied):
            keys.create_key(actor=user, name="x", scopes=["query"])


def test_an_authority_key_may_not_capture(department):
    from django.core.exceptions import ValidationError

    from txng.accounts.tests.factories import UserFactory

    head = UserFactory(organisation=department, role="head")
    with pytest.raises(ValidationError):
        keys.create_key(actor=head, name="x", scopes=["capture"])


def test_a_key_without_the_scope_is_refused_403(biz_owner, make_key, epcis):
    api = epcis(make_key(biz_owner, scopes=["query"]))
    response = api.post("capture", _document(_object_event()))
    assert response.status_code == 403
    assert response.json()["type"] == "epcisException:SecurityException"


def test_a_key_is_rate_limited(biz_owner, make_key, epcis, settings):
    settings.API_KEY_RATE_LIMIT = 2
    api = epcis(make_key(biz_owner))
    assert [api.get("events").status_code for _ in range(3)] == [200, 200, 429]


def test_capture_answers_202_with_the_job_and_limits(owner_api):
    response = owner_api.post("capture", _document(_object_event()))
    assert response.status_code == 202
    assert response["Location"].startswith("/epcis/capture/")
    assert response["GS1-EPCIS-Capture-Limit"] and response["GS1-EPCIS-Version"] == "2.0.0"
    job = owner_api.get(response["Location"].removeprefix("/epcis/")).json()
    assert job["running"] is False and job["success"] is True


def test_another_business_cannot_read_a_capture_job(owner_api, other_biz, make_key, epcis):
    location = owner_api.post("capture", _document(_object_event()))["Location"]
    other = epcis(make_key(other_biz))
    assert other.get(location.removeprefix("/epcis/")).status_code == 404


def test_a_business_sees_only_its_own_events(owner_api, other_biz, make_key, epcis):
    owner_api.post("capture", _document(_object_event()))
    other = epcis(make_key(other_biz))
    assert _events(other.get("events")) == []
    assert len(_events(owner_api.get("events"))) == 1


def test_an_authority_key_sees_the_businesses_it_manages(
    owner_api, department, other_commune, make_key, epcis
):
    from txng.accounts.tests.factories import UserFactory

    owner_api.post("capture", _document(_object_event()))
    head = UserFactory(organisation=department, role="head")
    outsider = UserFactory(organisation=other_commune, role="head")
    assert len(_events(epcis(make_key(head, ["query"])).get("events"))) == 1
    assert _events(epcis(make_key(outsider, ["query"])).get("events")) == []


def test_an_eventID_of_another_business_is_not_overwritten(owner_api, other_biz, make_key, epcis):
    event = _object_event(eventID="urn:uuid:6d3c2bbb-6d40-4d6a-9bcb-3e0f3c2c9a11")
    owner_api.post("capture", _document(event))
    other = epcis(make_key(other_biz))
    location = other.post("capture", _document(dict(event, bizStep="receiving")))["Location"]
    job = other.get(location.removeprefix("/epcis/")).json()
    assert job["success"] is False
    assert "đơn vị khác" in job["errors"][0]["detail"]
    assert Event.objects.get(event_id=event["eventID"]).biz_step == "shipping"


def test_rollback_stores_nothing_when_one_event_fails(owner_api, other_biz, make_key, epcis):
    taken = _object_event(eventID="urn:uuid:11111111-6d40-4d6a-9bcb-3e0f3c2c9a11")
    epcis(make_key(other_biz)).post("capture", _document(taken))
    location = owner_api.post("capture", _document(_object_event(), taken))["Location"]
    job = owner_api.get(location.removeprefix("/epcis/")).json()
    assert job["success"] is False and job["captureErrorBehaviour"] == "rollback"
    assert _events(owner_api.get("events")) == []


def test_proceed_keeps_the_good_events_and_reports_the_bad(owner_api, other_biz, make_key, epcis):
    taken = _object_event(eventID="urn:uuid:22222222-6d40-4d6a-9bcb-3e0f3c2c9a11")
    epcis(make_key(other_biz)).post("capture", _document(taken))
    response = owner_api.post(
        "capture",
        _document(_object_event(), taken),
        headers={"GS1-Capture-Error-Behaviour": "proceed"},
    )
    job = owner_api.get(response["Location"].removeprefix("/epcis/")).json()
    assert job["success"] is False and "eventList/1" in job["errors"][0]["detail"]
    assert len(_events(owner_api.get("events"))) == 1


def test_an_error_declaration_is_stored_on_the_event_it_names(owner_api):
    document = example("AssociationEvent/AssociationEvent-g.jsonld")
    declaration = document["epcisBody"]["eventList"][0]
    original = {k: v for k, v in declaration.items() if k != "errorDeclaration"}
    owner_api.post("capture", _document(original))
    owner_api.post("capture", _document(declaration))
    stored = Event.objects.filter(event_id=declaration["eventID"]).order_by("pk")
    assert stored.count() == 2
    assert stored[1].declares_error_on == stored[0]
    assert "errorDeclaration" in stored[1].document
    declared = _events(owner_api.get("events", EXISTS_errorDeclaration=""))
    assert len(declared) == 1 and declared[0]["errorDeclaration"] == declaration["errorDeclaration"]


def test_post_events_stores_one_event_at_once(owner_api):
    response = owner_api.post("events", _object_event())
    assert response.status_code == 201
    assert owner_api.get(response["Location"].removeprefix("/epcis/")).status_code == 200


def test_unsupported_media_type_and_version_are_refused(owner_api):
    assert owner_api.post("capture", "a;b", content_type="text/csv").status_code == 415
    response = owner_api.get("events", headers={"GS1-EPCIS-Version": "1.2"})
    assert response.status_code == 406


def test_match_epc_finds_the_event_by_urn_or_digital_link(owner_api):
    owner_api.post("capture", _document(_object_event(), _object_event(epc=SGTIN[:-1] + "9")))
    by_urn = _events(owner_api.get("events", MATCH_epc=SGTIN))
    by_link = _events(
        owner_api.get("events", MATCH_epc="https://id.gs1.org/01/10614141073464/21/2017")
    )
    assert len(by_urn) == len(by_link) == 1


def test_match_epc_class_finds_events_the_app_recorded(biz_owner, make_key, epcis):
    product, _rev = draft(biz_owner, gtin="8930000000019")
    lot = tracing.create_lot(actor=biz_owner, product=product, code="LO-01", quantity=100)
    event = lot.event_rows.first().event
    klass = next(iter(event.document.get("quantityList") or []), {}).get("epcClass")
    assert klass
    found = _events(epcis(make_key(biz_owner)).get("events", MATCH_anyEPCClass=klass))
    assert [e["eventID"] for e in found] == [event.event_id]


def test_query_filters_by_time_type_step_and_party(owner_api):
    owner_api.post(
        "capture",
        _document(
            _object_event(when="2026-03-01T08:00:00+07:00"),
            _object_event(
                when="2026-03-05T08:00:00+07:00",
                bizStep="receiving",
                disposition="in_progress",
                sourceList=[
                    {"type": "owning_party", "source": "https://id.gs1.org/417/8930000000002"}
                ],
            ),
        ),
    )
    assert len(_events(owner_api.get("events", GE_eventTime="2026-03-02T00:00:00+07:00"))) == 1
    assert len(_events(owner_api.get("events", LT_eventTime="2026-03-02T00:00:00+07:00"))) == 1
    assert len(_events(owner_api.get("events", EQ_bizStep="shipping|receiving"))) == 2
    assert (
        len(_events(owner_api.get("events", EQ_bizStep="urn:epcglobal:cbv:bizstep:receiving"))) == 1
    )
    assert _events(owner_api.get("events", eventType="AggregationEvent")) == []
    party = owner_api.get("events", EQ_source_owning_party="https://id.gs1.org/417/8930000000002")
    assert len(_events(party)) == 1


def test_an_unknown_parameter_is_a_query_parameter_problem(owner_api):
    response = owner_api.get("events", EQ_colour="red")
    assert response.status_code == 400
    assert response.json()["type"] == "epcisException:QueryParameterException"
    assert "EQ_colour" in response.json()["detail"]


def test_pages_follow_next_page_tokens_without_repeats(owner_api):
    events = [_object_event(when=f"2026-03-0{d}T08:00:00+07:00") for d in range(1, 6)]
    owner_api.post("capture", _document(*events))
    seen, params = [], {"perPage": "2", "orderDirection": "DESC"}
    while True:
        response = owner_api.get("events", **params)
        seen += [e["eventTime"] for e in _events(response)]
        if "Link" not in response:
            break
        token = response["Link"].split("nextPageToken=")[1].split(">")[0]
        from urllib.parse import unquote

        params["nextPageToken"] = unquote(token)
    assert seen == sorted((e["eventTime"] for e in events), reverse=True)


def test_a_forged_page_token_is_refused(owner_api):
    response = owner_api.get("events", nextPageToken="abc")
    assert response.status_code == 400


def test_epcs_come_back_as_digital_links_unless_asked_otherwise(owner_api):
    owner_api.post("capture", _document(_object_event()))
    assert _events(owner_api.get("events"))[0]["epcList"] == [
        "https://id.gs1.org/01/10614141073464/21/2017"
    ]
    kept = owner_api.get("events", headers={"GS1-EPC-Format": "Never_Translates"})
    assert _events(kept)[0]["epcList"] == [SGTIN]


def test_top_level_resources_list_what_the_key_may_see(owner_api, other_biz, make_key, epcis):
    owner_api.post("capture", _document(_object_event()))
    assert owner_api.get("bizSteps").json()["@set"] == ["shipping"]
    assert owner_api.get("epcs").json()["@set"] == ["https://id.gs1.org/01/10614141073464/21/2017"]
    assert len(_events(owner_api.get("bizSteps/shipping/events"))) == 1
    assert len(_events(owner_api.get(f"epcs/{quote(SGTIN, safe='')}/events"))) == 1
    assert "ObjectEvent" in owner_api.get("eventTypes").json()["@set"]
    other = epcis(make_key(other_biz))
    assert other.get("bizSteps").json()["@set"] == []
    assert other.get("bizSteps/shipping").status_code == 404


def test_named_query_is_saved_run_and_deleted(owner_api, other_biz, make_key, epcis):
    owner_api.post("capture", _document(_object_event(), _object_event(bizStep="receiving")))
    created = owner_api.post(
        "queries",
        {"name": "nhan-hang", "query": {"EQ_bizStep": ["receiving"]}},
        content_type="application/json",
    )
    assert created.status_code == 201
    again = owner_api.post(
        "queries", {"name": "nhan-hang", "query": {}}, content_type="application/json"
    )
    assert again.status_code == 409
    result = owner_api.get("queries/nhan-hang/events").json()
    assert result["epcisBody"]["queryResults"]["queryName"] == "nhan-hang"
    assert len(result["epcisBody"]["queryResults"]["resultsBody"]["eventList"]) == 1
    assert epcis(make_key(other_biz)).get("queries/nhan-hang/events").status_code == 404
    assert owner_api.delete("queries/nhan-hang").status_code == 204
    assert owner_api.get("queries/nhan-hang").status_code == 404


def test_a_named_query_with_an_unknown_parameter_is_refused(owner_api):
    response = owner_api.post(
        "queries", {"name": "x", "query": {"EQ_colour": ["red"]}}, content_type="application/json"
    )
    assert response.status_code == 400


def test_capture_documents_are_not_changed_by_capture(owner_api):
    document = example("Example_9.6.1-ObjectEvent.jsonld")
    before = copy.deepcopy(document)
    owner_api.post("capture", document)
    assert document == before


def test_events_recorded_before_the_index_get_their_rows_from_the_migration(biz_owner):
    import importlib

    from django.apps import apps

    from txng.tracing.models import EventIdentifier

    product, _rev = draft(biz_owner, gtin="8930000000019")
    lot = tracing.create_lot(actor=biz_owner, product=product, code="LO-01", quantity=100)
    before = set(EventIdentifier.objects.values_list("event_id", "role", "value"))
    EventIdentifier.objects.all().delete()
    migration = importlib.import_module("txng.tracing.migrations.0008_event_identifier_index")
    migration.index_stored_events(apps, None)
    assert set(EventIdentifier.objects.values_list("event_id", "role", "value")) == before
    assert before and lot.event_rows.exists()
