"""The EPCIS 2.0 REST binding under /epcis/ (GS1's openapi.json), in JSON-LD and in XML
(xmlread.py converts XML captured, xmlwrite.py writes query answers when Accept asks for XML).

Every endpoint takes an API key (`Authorization: Bearer txng_…`); errors are RFC 7807 problem
documents with the standard's exception types. Capture and events are here; the top-level
resources and named queries in resources.py.
"""

from django.http import HttpResponse

from txng.epcis import capture, output, query, resources, tasks, xmlwrite
from txng.epcis.auth import need
from txng.epcis.binding import (
    CAPTURE_DOCS,
    QUERY_DOCS,
    VERSION_HEADERS,
    answer,
    api,
    capture_limits,
    check_versions,
    error_behaviour,
    events_response,
    job_json,
    negotiated,
    quote_id,
)
from txng.epcis.models import CaptureJob, Scope
from txng.epcis.problems import Problem

__all__ = ["api", "resources"]


@api.post("/capture", summary="Gửi một tài liệu EPCIS (bất đồng bộ)", openapi_extra=CAPTURE_DOCS)
def capture_document(request):
    key = need(request, Scope.CAPTURE)
    check_versions(request)
    behaviour = error_behaviour(request)
    capture.check_media_type(request)
    document, text = capture.read_json(request)
    capture.validate_document(document)
    job = tasks.start_capture(key=key, document=document, text=text, error_behaviour=behaviour)
    result = HttpResponse(status=202)
    for name, value in {**VERSION_HEADERS, **capture_limits()}.items():
        result[name] = value
    result["Location"] = f"{request.path.rstrip('/')}/{job.capture_id}"
    return result


@api.get("/capture", summary="Các lần gửi của đơn vị")
def capture_jobs(request):
    need(request, Scope.CAPTURE)
    jobs = CaptureJob.objects.visible_to(request.user)[:100]
    return answer([job_json(job) for job in jobs], content_type="application/json")


@api.get("/capture/{capture_id}", summary="Trạng thái một lần gửi")
def capture_job(request, capture_id: str):
    need(request, Scope.CAPTURE)
    job = CaptureJob.objects.visible_to(request.user).filter(capture_id=capture_id).first()
    if job is None:
        raise Problem("NoSuchResourceException", f"Không có lần gửi {capture_id}.", 404)
    return answer(job_json(job), content_type="application/json")


@api.post("/events", summary="Gửi một sự kiện (đồng bộ)")
def capture_event(request):
    key = need(request, Scope.CAPTURE)
    check_versions(request)
    capture.check_media_type(request)
    document = capture.single_event_document(capture.read_json(request)[0])
    capture.validate_document(document)
    # One event is stored in the request (the binding's synchronous capture), not queued.
    job = tasks.start_capture(key=key, document=document, queue=False)
    capture.run(job, document=document)
    if not job.success:
        raise Problem("ValidationException", job.errors[0]["detail"])
    event = capture.document_events(document)[0]
    event_id = event.get("eventID") or capture.event_hash(
        dict(event, **{"@context": document["@context"]})
    )
    result = HttpResponse(status=201)
    for name, value in VERSION_HEADERS.items():
        result[name] = value
    result["Location"] = f"{request.path.rstrip('/')}/{quote_id(event_id)}"
    return result


@api.get("/events", summary="Truy vấn sự kiện (SimpleEventQuery)", openapi_extra=QUERY_DOCS)
def list_events(request):
    need(request, Scope.QUERY)
    check_versions(request)
    return events_response(request, query.visible_events(request.user), request.GET)


@api.get("/events/{path:event_id}", summary="Một sự kiện theo eventID")
def get_event(request, event_id: str):
    need(request, Scope.QUERY)
    # A query string in the ID (…?ver=CBV2.0) arrives as the request's own when not encoded.
    if request.META.get("QUERY_STRING") and "?" not in event_id:
        event_id = f"{event_id}?{request.META['QUERY_STRING']}"
    rows = list(
        query.visible_events(request.user)
        .filter(event_id=event_id)
        .order_by("declares_error_on", "pk")
    )
    if not rows:
        raise Problem("NoSuchResourceException", f"Không có sự kiện {event_id}.", 404)
    events = output.render(rows, output.epc_format(request))
    if len(events) > 1 or xmlwrite.wants_xml(request.headers.get("Accept", "")):
        return negotiated(request, output.query_document(events))  # XML: always a document
    return negotiated(request, events[0])
