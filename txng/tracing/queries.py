"""Reads: the trace walk (one recursive SQL query), the public timeline, per-role trace views."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.models import Count, Min, Q, Sum
from django.utils.translation import gettext as _

from txng.accounts.models import Organisation
from txng.catalog.models import Facility
from txng.tracing.codes import location_code
from txng.tracing.models import (
    EventLot,
    EventType,
    LinkKind,
    Lot,
    LotLink,
    LotRole,
    Recall,
    RecallLot,
    RecallState,
    Shipment,
    Unit,
)

MAX_DEPTH = 50

# One query for both directions. UNION (not UNION ALL) drops a (lot, link, depth) row seen
# before, and the depth bound stops a cycle: rows are at most links × depth, never exponential.
_TRACE_SQL = """
WITH RECURSIVE
seed(lot_id) AS (SELECT id FROM tracing_lot WHERE id IN ({ids})),
back(lot_id, link_id, depth) AS (
    SELECT lot_id, CAST(NULL AS BIGINT), 0 FROM seed WHERE %(back)s
  UNION
    SELECT l.parent_id, l.id, b.depth + 1
    FROM back b JOIN tracing_lotlink l ON l.child_id = b.lot_id
    WHERE b.depth < %(depth)s
),
fwd(lot_id, link_id, depth) AS (
    SELECT lot_id, CAST(NULL AS BIGINT), 0 FROM seed WHERE %(fwd)s
  UNION
    SELECT l.child_id, l.id, f.depth + 1
    FROM fwd f JOIN tracing_lotlink l ON l.parent_id = f.lot_id
    WHERE f.depth < %(depth)s
)
SELECT 'b', lot_id, link_id, depth FROM back
UNION ALL
SELECT 'f', lot_id, link_id, depth FROM fwd
"""


def clamp_depth(value, default=MAX_DEPTH):
    try:
        return max(1, min(MAX_DEPTH, int(value)))
    except (TypeError, ValueError):
        return default


@dataclass
class TraceResult:
    roots: set
    back: dict = field(default_factory=dict)  # lot id -> steps back (nearest)
    forward: dict = field(default_factory=dict)  # lot id -> steps forward (nearest)
    link_ids: set = field(default_factory=set)

    @property
    def lot_ids(self):
        """Lots reached from the roots, the roots themselves excluded."""
        return (set(self.back) | set(self.forward)) - self.roots


def trace(lot_ids, direction="both", depth=MAX_DEPTH):
    """Walk the lot-link graph from `lot_ids` back (to sources), forward (to holders) or both."""
    roots = {int(i) for i in lot_ids}
    result = TraceResult(roots=roots)
    if not roots:
        return result
    ids = ",".join(str(i) for i in sorted(roots))
    params = {
        "back": direction in ("back", "both"),
        "fwd": direction in ("forward", "both"),
        "depth": int(depth),
    }
    with connection.cursor() as cursor:
        cursor.execute(_TRACE_SQL.format(ids=ids), params)
        rows = cursor.fetchall()
    for side, lot_id, link_id, steps in rows:
        target = result.back if side == "b" else result.forward
        if lot_id not in target or steps < target[lot_id]:
            target[lot_id] = steps
        if link_id is not None:
            result.link_ids.add(link_id)
    return result


@dataclass
class Step:
    time: datetime
    title: str
    business: object
    place: str
    detail: str
    place_code: str = ""  # the location trace code (GLN or internal), TT 02/2024 item 5
    warning: bool = False
    trace_code: str = ""  # the product trace code of the lot this stage is about (item 4)
    receiver: object = None  # a shipment step: the business the goods went to


def _place(event_or_facility, business):
    facility = event_or_facility
    if facility is None:
        return business.address or ""
    return ", ".join(x for x in (facility.name, facility.address) if x)


def public_timeline(lot):
    """What the public trace and scan pages show: every stage of this lot and of everything
    upstream of it, oldest first, each with its product trace code, location trace code and
    time (Circular 02/2024 items 4-5). Only lots of published products; no prices, no
    customer names, no quantities, no errors declared as wrong."""
    result = trace([lot.pk], direction="back")
    chain = set(result.back) | {lot.pk}
    lot_ids = set(Lot.objects.public().filter(pk__in=chain).values_list("pk", flat=True))
    lot_ids.add(lot.pk)
    # A lot's own events (subject or output), so a sibling's receipt of the same source lot
    # (where that lot is only an input) stays out of this lot's story.
    rows = (
        EventLot.objects.filter(lot__in=lot_ids, role__in=[LotRole.SUBJECT, LotRole.OUTPUT])
        .exclude(event__disposition="returned")
        .exclude(event__declares_error_on__isnull=False)
        .exclude(event__error_declarations__isnull=False)
        .exclude(event__biz_step="shipping")  # told below from the shipment, without customers
        .exclude(event__biz_step="cycle_counting")
        .exclude(event__type=EventType.AGGREGATION)  # pallets on and off: logistics only
        .order_by("event__event_time", "event__id", "lot_id")
        # Plain rows: a lot's diary may hold hundreds of stages, and their few businesses and
        # places are read once below rather than built again for every stage.
        .values_list(
            "event_id",
            "event__event_time",
            "event__title",
            "event__public_detail",
            "event__disposition",
            "event__business_id",
            "event__facility_id",
            "lot__facility_id",
            "lot__trace_code",
        )
    )
    rows = list(rows)
    businesses = Organisation.objects.in_bulk({row[5] for row in rows})
    facilities = Facility.objects.in_bulk({row[6] or row[7] for row in rows} - {None})
    steps, seen = [], set()
    for event_id, time, title, detail, disposition, business_id, own, lots_, code in rows:
        if event_id in seen:
            continue
        seen.add(event_id)
        business = businesses[business_id]
        facility = facilities.get(own or lots_)
        steps.append(
            Step(
                time=time,
                title=title,
                business=business,
                place=_place(facility, business),
                detail=detail,
                place_code=location_code(facility, business),
                warning=disposition == "recalled",
                trace_code=code,
            )
        )
    # A delivery between two businesses of the chain: who to whom and when. Deliveries to
    # buyers off the platform are a business's customers, and stay private.
    shipments = Shipment.objects.filter(
        lot__in=lot_ids, received_lot__in=lot_ids, receiver__isnull=False
    ).select_related("lot__business", "lot__facility", "receiver", "ship_event__facility")
    for shipment in shipments:
        facility = shipment.ship_event.facility or shipment.lot.facility
        sender = shipment.lot.business
        steps.append(
            Step(
                time=shipment.shipped_at,
                title=_("Vận chuyển"),
                business=sender,
                place=_place(facility, sender),
                detail=_("Từ %(sender)s đến %(receiver)s")
                % {"sender": sender, "receiver": shipment.receiver},
                place_code=location_code(facility, sender),
                trace_code=shipment.lot.trace_code,
                receiver=shipment.receiver,
            )
        )
    steps.sort(key=lambda s: s.time)
    return steps


def lots_with_graph(result):
    """Lot objects and links of a trace result, for pages and JSON (two more queries)."""
    ids = set(result.back) | set(result.forward) | result.roots
    lots = Lot.objects.filter(pk__in=ids).select_related("business", "product", "facility")
    lots = lots.annotate(first_event=Min("event_rows__event__event_time"))
    links = LotLink.objects.filter(pk__in=result.link_ids)
    return {lot.pk: lot for lot in lots}, list(links)


def visible_lot_ids(user, lots):
    """Which traced lots a user may see in full: own lots and their one-step partners for a
    business; lots of managed businesses for an authority; everything for DOST."""
    if user.is_authenticated and user.is_dost:
        return set(lots)
    if user.is_authenticated and user.is_authority:
        return set(Lot.objects.visible_to(user).filter(pk__in=lots).values_list("pk", flat=True))
    if not user.is_authenticated:
        return set()
    own = set(
        Lot.objects.filter(pk__in=lots, business=user.organisation_id).values_list("pk", flat=True)
    )
    partners = LotLink.objects.filter(Q(parent__in=own) | Q(child__in=own)).values_list(
        "parent_id", "child_id"
    )
    return own | {i for pair in partners for i in pair}


def lot_json(lot, full):
    data = {
        "trace_code": lot.trace_code,
        "product": lot.product.name,
        "gtin": lot.product.gtin or None,
        "lot": lot.code,
        "business": lot.business.name,
        "facility": lot.facility.name if lot.facility_id else None,
        "location_code": location_code(lot.facility),
        "since": (getattr(lot, "first_event", None) or lot.created_at).isoformat(),
        "status": lot.status,
        "status_label": str(lot.get_status_display()),
        "production_date": lot.production_date.isoformat() if lot.production_date else None,
        "expiry_date": lot.expiry_date.isoformat() if lot.expiry_date else None,
    }
    if full:
        data.update(
            id=lot.pk,
            unit=lot.unit,
            in_stock=str(lot.in_stock),
            produced=str(lot.produced),
            received=str(lot.received),
            shipped=str(lot.shipped),
        )
    return data


def trace_json(user, lot, depth=MAX_DEPTH):
    """The trace of one lot as JSON, cut to what `user` may see."""
    # The graph beyond the lot is shown only to a signed-in user (what they may see of it).
    if user.is_authenticated:
        result = trace([lot.pk], direction="both", depth=depth)
        lots, links = lots_with_graph(result)
        visible = visible_lot_ids(user, list(lots))
    else:
        visible = set()
    steps = public_timeline(lot)
    recall = lot.active_recall
    data = {
        "lot": lot_json(lot, lot.pk in visible),
        "recall": {"reason": recall.reason, "date": recall.created_at.isoformat()}
        if recall
        else None,
        # Businesses holding goods with this printed code (received from this lot or further
        # on), each with its own lot's public page.
        "holders": [
            {"business": held.business.name, "url": held.get_absolute_url()}
            for held in (lot.holders() if lot.producer_lot else ())
        ],
        "timeline": [
            {
                "time": s.time.isoformat(),
                "title": s.title,
                "business": s.business.name,
                "place": s.place,
                "detail": s.detail,
                "place_code": s.place_code,
                "trace_code": s.trace_code,
                "to": s.receiver.name if s.receiver else None,
            }
            for s in steps
        ],
    }
    if user.is_authenticated:
        data["back"] = [
            dict(lot_json(lots[i], True), steps=n)
            for i, n in sorted(result.back.items(), key=lambda x: x[1])
            if i != lot.pk and i in visible
        ]
        data["forward"] = [
            dict(lot_json(lots[i], True), steps=n)
            for i, n in sorted(result.forward.items(), key=lambda x: x[1])
            if i != lot.pk and i in visible
        ]
        data["links"] = [
            {"from": lk.parent_id, "to": lk.child_id, "kind": lk.kind, "quantity": str(lk.quantity)}
            for lk in links
            if lk.parent_id in visible and lk.child_id in visible
        ]
        data["hidden"] = len(set(lots) - visible - {lot.pk})
    return data


def trace_report(lots):
    """The answer to a tracing request: each lot, its sources and its holders, with quantities."""
    report = []
    for lot in lots:
        result = trace([lot.pk], direction="both")
        found, _links = lots_with_graph(result)
        shipments = Shipment.objects.filter(lot=lot)
        report.append(
            {
                "lot": lot_json(lot, True),
                "sources": [lot_json(found[i], True) for i in result.back if i != lot.pk],
                "holders": [lot_json(found[i], True) for i in result.forward if i != lot.pk],
                "shipments": [
                    {
                        "date": s.shipped_at.date().isoformat(),
                        "to": s.receiver_name,
                        "quantity": str(s.quantity),
                        "received": str(s.received_quantity) if s.received_quantity else None,
                        "invoice": s.invoice_no,
                        "sscc": s.sscc,
                    }
                    for s in shipments
                ],
            }
        )
    if not report:
        report.append({"note": _("Không tìm thấy lô khớp với yêu cầu.")})
    return report


def visible_recalls(user):
    return Recall.objects.restrict(user, "view")


def recall_holders(recall, user):
    """The recalled lots with their holders, as far as `user` may see them: every holder for an
    authority; a business gets the rows of its own lots, not other businesses' stock and
    contacts. The recall page and its export both show this."""
    holders = (
        Lot.objects.filter(recall_rows__recall=recall)
        .select_related("business", "product")
        .order_by("business__name", "code")
    )
    if user.is_authenticated and user.is_authority:
        return holders
    return holders.filter(pk__in=Lot.objects.visible_to(user))


def recall_off_platform(recall, user):
    """Deliveries of the recalled lots to receivers without an account: the shipper must reach
    them directly. Those who run the recall see every holder's; others only those of the lots
    they may see (a business's customers are its own)."""
    shipments = Shipment.objects.filter(lot__recall_rows__recall=recall, receiver__isnull=True)
    if not recall.is_run_by(user):
        shipments = shipments.filter(lot__in=Lot.objects.visible_to(user))
    return shipments.select_related("lot__business", "lot__product").order_by(
        "lot__business__name", "shipped_at"
    )


def filter_recalls(recalls, *, state="", q=""):
    """`recalls` in one state (a RecallState value; any other value: all), with `q` in the
    reason or in a recalled lot's code, product or business; each with `lot_count` and
    `holder_count` (businesses holding its lots), newest first."""
    if state in RecallState.values:
        recalls = recalls.in_state(state)
    if q:
        lots = RecallLot.objects.filter(
            Q(lot__code__icontains=q)
            | Q(lot__product__name__icontains=q)
            | Q(lot__business__name__icontains=q)
        )
        recalls = recalls.filter(Q(reason__icontains=q) | Q(pk__in=lots.values("recall")))
    return (
        recalls.select_related("organisation")
        .annotate(
            lot_count=Count("lot_rows", distinct=True),
            holder_count=Count("lot_rows__lot__business", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def stock_by_product(business):
    """A distributor's view: per product, what came in from whom, what went out, what is left."""
    lots = Lot.objects.filter(business=business)
    rows = (
        lots.values("product__name", "unit")
        .annotate(
            produced=Sum("produced"),
            received=Sum("received"),
            shipped=Sum("shipped"),
            returned=Sum("returned"),
            destroyed=Sum("destroyed"),
            in_stock=Sum("in_stock"),
        )
        .order_by("product__name")
    )
    suppliers = (
        LotLink.objects.filter(child__business=business, kind=LinkKind.SHIPMENT)
        .values("child__product__name", "parent__business__name")
        .annotate(quantity=Sum("quantity"))
    )
    customers = (
        Shipment.objects.filter(lot__business=business)
        .values("lot__product__name", "receiver_name")
        .annotate(quantity=Sum("quantity"))
    )
    by_product = {
        r["product__name"]: dict(r, unit=Unit(r["unit"]).label, suppliers=[], customers=[])
        for r in rows
    }
    for s in suppliers:
        if s["child__product__name"] in by_product:
            by_product[s["child__product__name"]]["suppliers"].append(s)
    for c in customers:
        if c["lot__product__name"] in by_product:
            by_product[c["lot__product__name"]]["customers"].append(c)
    return list(by_product.values())
