"""Building EPCIS 2.0 JSON-LD events and storing them once (eventID = canonical event hash)."""

from decimal import Decimal

from django.db import connection
from django.utils import timezone

from txng.common import jsontext
from txng.common.eventhash import event_hash
from txng.tracing.cache import bump_lots
from txng.tracing.codes import location_uri, lot_class_uri, party_uri
from txng.tracing.eventindex import identifiers, index_event, index_events, vocabulary_term
from txng.tracing.models import UOM, Event, EventIdentifier, EventLot

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
    changed = [lot.pk for lot, _role, _qty in lots]  # the bulk insert sends no signals
    if declares_error_on is not None:
        # The declared event leaves its lots' public timelines: their kept pages must go too.
        changed += EventLot.objects.filter(event=declares_error_on).values_list("lot_id", flat=True)
    bump_lots(changed)
    return event, True


def _columns(document, event_id, recorded=None):
    """The event table's columns for one event, from the event itself. `recorded`: the
    recordTime as written in the document, when a whole batch shares one."""
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
        "document": dict(
            document, eventID=event_id, recordTime=recorded or iso_time(timezone.now())
        ),
    }


# The key table's eventID index (event_captured_once) is partial, so the look-up names its
# condition, and it is one index probe per eventID whatever the planner thinks of the table's
# size (the LIMIT keeps the subquery per row): `key = ANY(array)` was planned as a scan of
# the whole table comparing each key with all 500 IDs once the table held some thousand keys
# (a quarter of a second a document in bench/epcis.py), and a join as a scan and a hash.
STORED_KEYS_SQL = (
    "SELECT wanted.key FROM unnest(%s::varchar[]) AS wanted (key), LATERAL"
    " (SELECT 1 FROM tracing_eventkey k WHERE k.key = wanted.key"
    " AND k.declares_error_on IS NULL LIMIT 1) AS stored"
)


def stored_event_ids(event_ids):
    """Which of `event_ids` are stored already as an event (not counting error declarations,
    which repeat the eventID of the event they declare wrong: as the unique rule counts).

    On PostgreSQL through the key table's one index: the event table's own eventID index is one
    per month, so a look-up of 500 eventIDs probed every month's index for each of them, a tenth
    of an EPCIS capture's time (bench/epcis.py)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(STORED_KEYS_SQL, [list(event_ids)])
            return {key for (key,) in cursor.fetchall()}
    stored = Event.objects.filter(event_id__in=event_ids, declares_error_on__isnull=True)
    return set(stored.values_list("event_id", flat=True))


def capture_new(items, *, business, actor=None):
    """Store many events known not to be stored yet, each eventID once (no lots, no error
    declarations): EPCIS capture of a whole document. `items` are (document, event_id, title).
    Returns the stored events' ids, in the order of `items`.

    On PostgreSQL the events go in one COPY with ids drawn beforehand from the table's own id
    default (whatever its layout: the monthly partitions' `tracing_event_next_id()`, or an
    identity), and their identifiers in a second COPY: an INSERT ... SELECT FROM
    jsonb_to_recordset cost the server a JSON parse of every row on top of the insert, and
    Python a second serialisation of every document. A unique eventID taken meanwhile by
    another transaction fails the COPY with IntegrityError (`event_captured_once`), as an
    INSERT would."""
    now = timezone.now()
    recorded = iso_time(now)
    rows = [
        dict(_columns(document, event_id, recorded), title=title[:200])
        for document, event_id, title in items
    ]
    constants = {
        "record_time": now,
        "business_id": business.pk,
        "recorded_by_id": actor.pk if actor is not None and actor.pk else None,
    }
    if not rows:
        return []
    if connection.vendor != "postgresql":
        return _create_with_orm(rows, constants)
    with connection.wrap_database_errors, connection.cursor() as cursor:
        ids = _new_ids(cursor, len(rows))
        # Rows go in eventID order: two jobs storing some of the same events then wait for
        # each other on the unique eventID in one order (the second fails once the first
        # commits) instead of each holding a key the other wants (a deadlock).
        order = sorted(range(len(rows)), key=lambda i: rows[i]["event_id"])
        _copy_events(cursor, ((ids[i], rows[i]) for i in order), constants)
        _copy_identifiers(
            cursor, ((pk, row["document"]) for pk, row in zip(ids, rows, strict=True))
        )
    # Events without lots are on no lot's public trace: no trace version changes.
    return ids


# Columns that differ from event to event; every other column takes a value shared by the
# batch (`constants`) or the field's default, so a column added later still gets its default.
_ROW_FIELDS = (
    "event_id",
    "type",
    "action",
    "biz_step",
    "disposition",
    "event_time",
    "event_time_zone_offset",
    "read_point",
    "biz_location",
    "title",
    "document",
)

# The id column's default as PostgreSQL would evaluate it for an INSERT, else its identity's
# (or serial's) sequence.
_ID_DEFAULT_SQL = """
SELECT pg_get_expr(d.adbin, d.adrelid), pg_get_serial_sequence(%s, a.attname)
FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = %s::regclass AND a.attname = %s
"""


def _new_ids(cursor, count):
    """`count` new event ids from the table's own default, in increasing order."""
    table, column = Event._meta.db_table, Event._meta.pk.column
    cursor.execute(_ID_DEFAULT_SQL, [table, table, column])
    default, sequence = cursor.fetchone()
    # The expression is the table's own (read from the catalogue), never a request's text.
    if default:
        cursor.execute(f"SELECT {default} FROM generate_series(1, %s)", [count])  # noqa: S608
    else:
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
    return sorted(pk for (pk,) in cursor.fetchall())


def _copy_events(cursor, rows, constants):
    """The event rows of (id, row) pairs, by COPY: every concrete column, from the row, the
    batch's constants or the field's default."""
    quote = connection.ops.quote_name
    fields = [f for f in Event._meta.concrete_fields if not f.primary_key]
    own = [f.name for f in fields if f.name in _ROW_FIELDS and f.name != "document"]
    shared = tuple(
        constants[f.attname] if f.attname in constants else f.get_default()
        for f in fields
        if f.name not in _ROW_FIELDS
    )
    columns = [
        Event._meta.pk.column,
        *(Event._meta.get_field(name).column for name in own),
        Event._meta.get_field("document").column,
        *(f.column for f in fields if f.name not in _ROW_FIELDS),
    ]
    dumps = jsontext.dumps
    # Names come from the model, never from a request; the rows travel as COPY data.
    statement = f"COPY {quote(Event._meta.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN"
    with cursor.copy(statement) as copy:
        write = copy.write_row
        for pk, row in rows:
            write((pk, *[row[name] for name in own], dumps(row["document"]), *shared))


def _copy_identifiers(cursor, events):
    """The identifier index rows of (event id, document) pairs, by COPY."""
    quote = connection.ops.quote_name
    meta = EventIdentifier._meta
    columns = ", ".join(quote(meta.get_field(name).column) for name in ("event", "role", "value"))
    with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
        for pk, document in events:
            for role, value in identifiers(document):
                copy.write_row((pk, str(role), value))


def _create_with_orm(rows, constants):
    """SQLite (the demo): the same rows through the ORM."""
    events = Event.objects.bulk_create(Event(**row, **constants) for row in rows)
    index_events(events)
    return [event.pk for event in events]
