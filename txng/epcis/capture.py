"""EPCIS capture: a document is checked in the request (JSON, GS1's schema, limits) and stored
by the task worker (`tasks.run_capture`), event by event, into tracing's one event table.

What the client sent is what is kept: its own eventID (else the canonical hash, computed with
the document's @context and ignore-fields), extensions, sensor data, certification info,
persistent disposition and ILMD; the document's @context goes with each event so that its
prefixes still mean the same when the event is read back alone. An errorDeclaration naming an
event the business captured is stored as a declaration on that event.
"""

import contextlib
import json
import math
import re
from datetime import datetime
from functools import cache
from pathlib import Path

import jsonschema_rs
from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from txng.common import jsontext
from txng.common.eventhash import (
    _CBV_TERMS,
    TimeOutOfRange,
    document_events,
    document_ignore_fields,
    event_hash,
    normalised_time,
)
from txng.epcis import xmlread
from txng.epcis.problems import Problem
from txng.tracing import events as tracing_events
from txng.tracing.models import Event

SCHEMA_FILE = Path(__file__).resolve().parent / "schema" / "EPCIS-JSON-Schema.json"
CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
DOCUMENT_TYPES = ("EPCISDocument", "EPCISQueryDocument")
JSON_TYPES = ("application/json", "application/ld+json")


def capture_limit():
    return getattr(settings, "EPCIS_CAPTURE_LIMIT", 1000)


def size_limit():
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


@cache
def validator():
    """GS1's schema (draft 7) compiled once per process by jsonschema-rs, formats (uri,
    date-time) checked as RFC 3986 and RFC 3339 define them: a document of 500 events takes
    about 2 ms, where fastjsonschema's generated Python took 120 ms, most of a capture."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for(schema, validate_formats=True)


def check_media_type(request):
    content_type = request.content_type or ""
    if content_type not in JSON_TYPES + xmlread.XML_TYPES:
        raise Problem(
            "UnsupportedMediaTypeException",
            "Chỉ nhận application/json, application/ld+json hoặc application/xml, "
            f"không nhận {content_type!r}.",
            415,
        )


def read_json(request):
    """(document, text): the document as the JSON path stores it, JSON-LD as sent or EPCIS XML
    converted, and its JSON text for the capture job (the body itself, when it is JSON)."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > size_limit():
        raise Problem(
            "CaptureLimitExceededException",
            f"Tài liệu {length} byte vượt giới hạn {size_limit()} byte; hãy chia nhỏ.",
            413,
        )
    if request.content_type in xmlread.XML_TYPES:
        document = xmlread.to_json(request.body)
        return document, jsontext.dumps(document)
    try:
        document = json.loads(request.body, parse_float=_finite, parse_constant=_not_a_number)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Problem("ValidationException", f"Không đọc được JSON: {exc}.") from exc
    # The body is the text unless json.loads read it as UTF-16 or UTF-32 (which it also takes).
    text = None
    if json.detect_encoding(request.body) in ("utf-8", "utf-8-sig"):
        # Not when it holds a lone surrogate's bytes, which json.loads lets through.
        with contextlib.suppress(UnicodeDecodeError):
            text = request.body.decode("utf-8-sig")
    if text is None or _NUL_OR_SURROGATE_ESCAPE.search(text):
        _check_storable(document)
    return document, jsontext.dumps(document) if text is None else text


# \u0000 or half of a UTF-16 pair, written as an escape: only then is the document walked.
_NUL_OR_SURROGATE_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


def _check_storable(value, path=""):
    """Refuse a text PostgreSQL cannot store (a NUL character) or UTF-8 cannot write (a lone
    UTF-16 surrogate): JSON allows both, and found only by the task worker they made a client's
    error look like the server's."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            bad = True
        else:
            bad = "\x00" in value
        if bad:
            raise Problem(
                "ValidationException",
                f"{path or '(tài liệu)'}: có ký tự NUL (\\u0000) hoặc nửa cặp UTF-16 lẻ "
                "(\\ud800–\\udfff), không lưu được; hãy bỏ ký tự đó.",
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_storable(key, path)
            _check_storable(item, f"{path}/{key}".removeprefix("/"))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_storable(item, f"{path}/{index}".removeprefix("/"))


def _finite(text):
    """A JSON number as Python reads it, refused when it has no float (1e400 would be read as
    infinity, which no JSON writer can write back: the job keeps the text, the event its JSON)."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"số {text[:40]} vượt quá giới hạn của số thực")
    return value


def _not_a_number(name):
    raise ValueError(f"{name} không phải là số JSON")


def validate_document(document):
    """Refuse what GS1's schema refuses, naming the field; and documents over the limits."""
    if not isinstance(document, dict) or document.get("type") not in DOCUMENT_TYPES:
        raise Problem(
            "ValidationException",
            "type: cần là EPCISDocument hoặc EPCISQueryDocument.",
        )
    try:
        validator().validate(document)
    except jsonschema_rs.ValidationError as exc:
        raise Problem(
            "ValidationException",
            f"{_path(exc.instance_path)}: không đúng lược đồ EPCIS 2.0 của GS1 "
            f"({str(exc.message)[:250]}).",
        ) from exc
    events = document_events(document)
    if not events:
        raise Problem("ValidationException", "epcisBody: tài liệu không có sự kiện nào.")
    if len(events) > capture_limit():
        raise Problem(
            "CaptureLimitExceededException",
            f"{len(events)} sự kiện vượt giới hạn {capture_limit()} mỗi lần gửi.",
            413,
        )
    for index, event in enumerate(events):
        _check_cbv(index, event)
        for key in ("eventTime", "errorDeclaration"):
            text = (
                event.get(key)
                if key == "eventTime"
                else (event.get(key) or {}).get("declarationTime")
            )
            if text is None:
                continue
            if _aware(text) is None:
                raise Problem(
                    "ValidationException",
                    f"epcisBody/eventList/{index}/{key}: thời điểm cần có múi giờ (ISO 8601).",
                )
            try:
                normalised_time(text, key)
            except TimeOutOfRange as exc:
                raise Problem("ValidationException", _out_of_range(index, exc)) from exc
    return events


def _out_of_range(index, exc):
    return (
        f"epcisBody/eventList/{index}/{exc.field}: thời điểm {exc.text!r} đổi sang UTC (làm tròn "
        "đến mili giây) rơi ra ngoài các năm 0001–9999, nên không lưu được và không tính được "
        "mã băm sự kiện; hãy gửi thời điểm đúng."
    )


def _path(steps):
    """epcisBody.eventList[0].action, as a client reads a JSON path."""
    text = "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in steps)
    return text.removeprefix(".") or "(tài liệu)"


EVENT_TYPES = (
    "ObjectEvent",
    "AggregationEvent",
    "TransformationEvent",
    "AssociationEvent",
    "TransactionEvent",
)
CBV_FIELDS = {"bizStep": "BizStep-", "disposition": "Disp-"}


def _check_cbv(index, event):
    """CBV 2.0: a bare bizStep or disposition is one of CBV's terms; anything else must be a
    URI (a private vocabulary). The schema alone lets any word through."""
    where = f"epcisBody/eventList/{index}"
    if event.get("type") not in EVENT_TYPES:
        raise Problem(
            "ValidationException",
            f"{where}/type: {event.get('type')!r} không phải loại sự kiện EPCIS 2.0.",
        )
    for field, vocabulary in CBV_FIELDS.items():
        value = event.get(field)
        if isinstance(value, str) and ":" not in value and value not in _CBV_TERMS[vocabulary]:
            raise Problem(
                "ValidationException",
                f"{where}/{field}: {value!r} không có trong CBV 2.0 (dùng từ chuẩn hoặc một URI).",
            )


def single_event_document(event):
    """POST /events takes one event; it is checked and stored as a one-event document."""
    if not isinstance(event, dict):
        raise Problem("ValidationException", "Cần một sự kiện EPCIS (đối tượng JSON).")
    context = event.get("@context") or [CONTEXT]
    body = {k: v for k, v in event.items() if k != "@context"}
    return {
        "@context": context,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": timezone.now().isoformat(timespec="milliseconds"),
        "epcisBody": {"eventList": [body]},
    }


def _aware(text):
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None


class EventRefused(Exception):
    pass


class EventRacing(EventRefused):
    """The eventID was taken by another job's transaction meanwhile: once that one committed,
    the event is stored (a second look finds it) or the other job rolled back."""


def _prepared(raw, context, ignore_fields):
    event = dict(raw)
    if "@context" not in event and context:
        event["@context"] = context
    event_id = event.get("eventID") or event_hash(event, ignore_fields=ignore_fields)
    return event, event_id


def _title(event):
    return " ".join(filter(None, ["EPCIS", event.get("type"), str(event.get("bizStep") or "")]))


def _stored_form(event):
    return {k: v for k, v in event.items() if k not in ("eventID", "recordTime")}


def store_event(event, event_id, *, business, actor):
    """Store one prepared event for `business`; returns (event, created)."""
    if len(event_id) > 100:
        raise EventRefused(f"eventID dài quá 100 ký tự: {event_id[:40]}…")
    existing = Event.objects.filter(event_id=event_id, declares_error_on__isnull=True).first()
    target = None
    if existing is not None:
        if existing.business_id != business.pk:
            raise EventRefused(f"eventID {event_id} đã là sự kiện của đơn vị khác.")
        if "errorDeclaration" not in event or "errorDeclaration" in existing.document:
            return existing, False  # the same event again: stored once
        declared = existing.error_declarations.first()
        if declared is not None:
            return declared, False
        target = existing
    try:
        with transaction.atomic():
            return tracing_events.capture(
                _stored_form(event),
                business=business,
                title=_title(event),
                lots=[],
                actor=actor,
                declares_error_on=target,
                event_id=event_id,
            )
    except IntegrityError as exc:  # the same event captured at the same moment by another job
        if not duplicate(exc):
            raise
        raise EventRacing(f"eventID {event_id} đang được ghi bởi một lần gửi khác.") from exc


def _split(prepared, known):
    """Events that are surely new, unless `known` (eventIDs stored already) says otherwise,
    to store in one COPY; and the rest (one by one: already stored, error declarations,
    repeated within the document, over-long IDs)."""
    seen, fresh, careful = set(), [], []
    for item in prepared:
        _index, event, event_id = item
        simple = (
            event_id not in known
            and event_id not in seen
            and "errorDeclaration" not in event
            and len(event_id) <= 100
        )
        (fresh if simple else careful).append(item)
        seen.add(event_id)
    return fresh, careful


def _sqlstate(exc):
    """PostgreSQL's SQLSTATE of a database error (psycopg's, behind Django's); None on SQLite."""
    return getattr(exc.__cause__, "sqlstate", None)


def duplicate(exc):
    """Whether an IntegrityError is a unique eventID taken (another job's, or stored before),
    not a reference that does not exist (which is the server's error, not to be retried)."""
    state = _sqlstate(exc)
    return state == UNIQUE_VIOLATION if state else "UNIQUE" in str(exc)


UNIQUE_VIOLATION = "23505"


def _store_fresh(prepared, bulk, *, proceed):
    """Store in one COPY the events that look new: (how many, the rest to store one by one).

    First without asking the database: a document's events are nearly always new, and looking
    up its 500 eventIDs cost a twentieth of a capture (bench/epcis.py). A COPY that meets an
    eventID stored already (a document sent again) fails whole on the unique key, in its own
    savepoint; then the stored ones are looked up and go the one-by-one way. In rollback mode an
    eventID stored meanwhile by another job still fails the second COPY (the caller retries)."""
    fresh, careful = _split(prepared, known=())
    if (stored := _copy_unless_taken(bulk, fresh)) is not None:
        return stored, careful
    known = tracing_events.stored_event_ids([event_id for _i, _e, event_id in prepared])
    fresh, careful = _split(prepared, known)
    if not proceed:
        return bulk(fresh), careful
    if (stored := _copy_unless_taken(bulk, fresh)) is not None:
        return stored, careful
    # Another job stored one meanwhile: one by one, in eventID order, as the bulk COPY writes
    # (a repeated eventID keeps its first occurrence first): a job one by one and another's COPY
    # then wait for each other in one order, never each for the other (a deadlock).
    return 0, sorted(fresh + careful, key=lambda item: (item[2], item[0]))


def _copy_unless_taken(bulk, items):
    """bulk(items) in a savepoint: how many it stored, or None when an eventID among them was
    taken (the savepoint rolled back); any other integrity error is raised."""
    try:
        with transaction.atomic():
            return bulk(items)
    except IntegrityError as exc:
        if not duplicate(exc):
            raise
        return None


# How often a job is tried again from the start when another job's transaction stored some
# of its events meanwhile (both saw them new): the next try finds them stored.
ATTEMPTS = 3


def run(job, on_captured=None, document=None):
    """Store the job's events, all or nothing (rollback) or each on its own (proceed).
    `document`: the job's document already read (it is the job's text, parsed).

    The job's final state is saved in the transaction that stores its events: a worker killed
    in between cannot leave the events stored and the job running, whose re-run (the task
    worker re-runs orphaned tasks) would find them stored already and report none captured.
    A job found finished already (a re-run, or another worker's) is left as it is.
    `on_captured` runs once that transaction commits, when events were captured.

    Several task workers may run jobs naming the same events at once (a client that sent a
    document twice): the one that commits second then finds the other's events at its INSERT,
    rolls back and tries again, and stores each event once as if the jobs had run in turn."""
    if document is None:
        document = json.loads(job.document)
    context = document.get("@context")
    ignore = document_ignore_fields(document)
    actor = job.api_key.created_by if job.api_key_id else None
    prepared, errors = [], []
    for index, raw in enumerate(document_events(document)):
        try:
            prepared.append((index, *_prepared(raw, context, ignore)))
        except TimeOutOfRange as exc:  # a time in a sensor report or an extension: no hash
            errors.append(Problem("ValidationException", _out_of_range(index, exc)).as_dict())
    if errors and job.error_behaviour != "proceed":
        _finish_alone(job, errors)
        return job
    for attempt in range(1, ATTEMPTS + 1):
        try:
            _attempt(job, prepared, list(errors), actor, on_captured, last=attempt == ATTEMPTS)
        except _Conflict:
            continue
        return job
    return job


def _attempt(job, prepared, errors, actor, on_captured, *, last):
    business = job.organisation
    captured = 0

    def one(index, event, event_id):
        for tries_left in (1, 0):
            try:
                _event, created = store_event(event, event_id, business=business, actor=actor)
            except EventRacing as exc:
                if tries_left and job.error_behaviour == "proceed":
                    continue  # the other job has committed by now: it is found stored
                if not last and job.error_behaviour != "proceed":
                    raise _Conflict from exc
                problem = exc
            except EventRefused as exc:
                problem = exc
            else:
                return int(created)
            errors.append(
                Problem("ValidationException", f"epcisBody/eventList/{index}: {problem}").as_dict()
            )
            return 0

    def bulk(items):
        # The event as prepared: the stored row's eventID and recordTime replace any it had.
        tracing_events.capture_new(
            [(e, event_id, _title(e)) for _i, e, event_id in items],
            business=business,
            actor=actor,
        )
        return len(items)

    try:
        with transaction.atomic():
            if not _still_running(job):
                return
            captured, careful = _store_fresh(
                prepared, bulk, proceed=job.error_behaviour == "proceed"
            )
            for item in careful:
                captured += one(*item)
                if errors and job.error_behaviour != "proceed":
                    raise _Rollback
            _finish(job, errors, captured)
            if captured and on_captured is not None:
                transaction.on_commit(on_captured)
    except _Rollback:
        _finish_alone(job, errors)
    except IntegrityError as exc:  # rollback mode: an event stored meanwhile by another job
        if not duplicate(exc):
            raise
        if not last:
            raise _Conflict from exc
        errors.append(
            Problem("ValidationException", f"Ghi trùng với một lần gửi khác: {exc}").as_dict()
        )
        _finish_alone(job, errors)
    except OperationalError as exc:  # two jobs each waiting for the other's events
        if last or _sqlstate(exc) != DEADLOCK:
            raise
        raise _Conflict from exc


DEADLOCK = "40P01"


class _Conflict(Exception):
    """Another job's transaction stored some of these events meanwhile: try again."""


def _still_running(job):
    """Lock the job's row; False (and the job as stored) when it was finished meanwhile.
    Only the flag is read: the row holds the whole document, which the worker has already."""
    jobs = type(job).objects.select_for_update().filter(pk=job.pk)
    running = jobs.values_list("running", flat=True).get()
    if not running:
        job.refresh_from_db()
    return running


def _finish(job, errors, captured):
    job.running = False
    job.success = not errors
    job.errors = errors
    job.captured = captured
    job.finished_at = timezone.now()
    job.save(update_fields=["running", "success", "errors", "captured", "finished_at"])


def fail(job):
    """The job's run ended on an error of the server (not of the document): the job is finished
    as failed, with nothing stored, so a client polling it learns to send the document again
    (its events keep their eventIDs: what was stored meanwhile is stored once)."""
    problem = Problem(
        "ImplementationException",
        "Lỗi máy chủ khi ghi tài liệu; không sự kiện nào được ghi. Hãy gửi lại tài liệu.",
        status=500,
    )
    _finish_alone(job, [problem.as_dict()])


def _finish_alone(job, errors):
    """The events were rolled back: only the job's errors are saved."""
    with transaction.atomic():
        if _still_running(job):
            _finish(job, errors, 0)


class _Rollback(Exception):
    pass
