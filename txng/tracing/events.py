"""Building EPCIS 2.0 JSON-LD events and storing them once (eventID = canonical event hash)."""

from decimal import Decimal

from django.utils import timezone

from txng.common.eventhash import event_hash
from txng.tracing.cache import bump_trace_version
from txng.tracing.codes import location_uri, lot_class_uri, party_uri
from txng.tracing.eventindex import index_event, index_events, vocabulary_term
from txng.tracing.models import UOM, Event, EventLot

TXNG_NS = "https://txng.vn/voc/"
CONTEXT = ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld", {"txng": TXNG_NS}]


def iso_time(moment):
    """eventTime in the province's offset (+07:00), as EPCIS wants the local offset kept."""
    local = timezone.localtime(moment)
    return local.isoformat(timespec="milliseconds")


def zone_offset(moment):
    text = timezone.localtime(moment).strftime("%z")
    return f"{text[:3]}:{text[3:]}"


def _number(value):
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def quantity(lot, amount):
    element = {"epcClass": lot_class_uri(lot), "quantity": _number(amount)}
    if lot.unit in UOM:
        element["uom"] = UOM[lot.unit]
    return element


def build(
    event_type,
    *,
    time,
    action=None,
    parent=None,
    epcs=(),
    biz_step=None,
    disposition=None,
    facility=None,
    quantities=(),
    children=(),
    inputs=(),
    outputs=(),
    sources=(),
    destinations=(),
    biz_transactions=(),
    ilmd=None,
    extra=None,
):
    """An EPCIS 2.0 event dict. `quantities`, `children` etc. are lists of (lot, amount);
    `parent` (an AggregationEvent's parentID) and `epcs` are instance URIs, e.g. an SSCC's;
    `biz_transactions` are (CBV type, URI) pairs, the URI from codes.biz_transaction_uri."""
    event = {
        "@context": CONTEXT,
        "type": event_type,
        "eventTime": iso_time(time),
        "eventTimeZoneOffset": zone_offset(time),
    }
    if parent:
        event["parentID"] = parent
    if epcs:
        event["epcList"] = list(epcs)
    if action:
        event["action"] = action
    if children:
        event["childQuantityList"] = [quantity(lot, q) for lot, q in children]
    if quantities:
        event["quantityList"] = [quantity(lot, q) for lot, q in quantities]
    if inputs:
        event["inputQuantityList"] = [quantity(lot, q) for lot, q in inputs]
    if outputs:
        event["outputQuantityList"] = [quantity(lot, q) for lot, q in outputs]
    if biz_step:
        event["bizStep"] = biz_step
    if disposition:
        event["disposition"] = disposition
    if facility is not None:
        event["readPoint"] = {"id": location_uri(facility)}
        event["bizLocation"] = {"id": location_uri(facility)}
    if biz_transactions:
        event["bizTransactionList"] = [
            {"type": kind, "bizTransaction": uri} for kind, uri in biz_transactions
        ]
    if sources:
        event["sourceList"] = [{"type": "owning_party", "source": party_uri(o)} for o in sources]
    if destinations:
        event["destinationList"] = [
            {"type": "owning_party", "destination": d if isinstance(d, str) else party_uri(d)}
            for d in destinations
        ]
    if ilmd:
        event["ilmd"] = ilmd
    for key, value in (extra or {}).items():
        if value not in (None, "", [], {}):
            event[f"txng:{key}"] = value
    return event


def capture(
    document,
    *,
    business,
    title,
    lots,
    facility=None,
    actor=None,
    public_detail="",
    declares_error_on=None,
    event_id=None,
):
    """Store one event (or find it, when the same event was captured before).

    `lots` is a list of (lot, role, quantity). `event_id`: the eventID a capture client gave
    its event, kept as it is; otherwise the canonical hash. Returns (event, created).
    """
    event_id = event_id or event_hash(document)
    existing = None
    if declares_error_on is None:
        existing = Event.objects.filter(event_id=event_id, declares_error_on__isnull=True).first()
    if existing:
        return existing, False
    event = Event.objects.create(
        **_columns(document, event_id),
        business=business,
        facility=facility,
        recorded_by=actor if actor is not None and actor.pk else None,
        title=title[:200],
        public_detail=public_detail[:500],
        declares_error_on=declares_error_on,
    )
    EventLot.objects.bulk_create(
        EventLot(event=event, lot=lot, role=role, quantity=qty) for lot, role, qty in lots
    )
    index_event(event)
    bump_trace_version()  # the bulk insert sends no signals
    return event, True


def _columns(document, event_id):
    """The event table's columns for one event, from the event itself."""
    return {
        "event_id": event_id,
        "type": document["type"],
        "action": document.get("action", ""),
        "biz_step": vocabulary_term("bizStep", document.get("bizStep"))[:200],
        "disposition": vocabulary_term("disposition", document.get("disposition"))[:200],
        "event_time": timezone.datetime.fromisoformat(document["eventTime"]),
        "event_time_zone_offset": document["eventTimeZoneOffset"],
        "read_point": (document.get("readPoint") or {}).get("id", "")[:200],
        "biz_location": (document.get("bizLocation") or {}).get("id", "")[:200],
        "document": dict(document, eventID=event_id, recordTime=iso_time(timezone.now())),
    }


def capture_new(items, *, business, actor=None):
    """Store many events known not to be stored yet (no lots, no error declarations), in one
    INSERT for the events and one for their identifiers: EPCIS capture of a whole document.
    `items` are (document, event_id, title). Returns the stored events."""
    rows = Event.objects.bulk_create(
        Event(
            **_columns(document, event_id),
            business=business,
            recorded_by=actor if actor is not None and actor.pk else None,
            title=title[:200],
        )
        for document, event_id, title in items
    )
    index_events(rows)
    bump_trace_version()
    return rows
