"""From a change to the outbox rows that tell each enabled hub of it.

`on_audit_entry` is registered with txng.audit.actions.add_listener: every action of the apps
below writes its audit row inside its own transaction, and this listener writes the outbox rows
in that same transaction. The change and its rows commit, or roll back, together."""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from txng.national.adapters import for_hub
from txng.national.models import Hub, OutboxRow, RecordType

# Audit action code -> the kind of record a hub must hear about.
ORGANISATION_ACTIONS = {
    "enrolment.approve",
    "accounts.lock",
    "accounts.unlock",
    "accounts.revoke",
    "catalog.take_down_profile",
}
# A product's OCOP result is ocop's (a peer national does not import): its audit row names the
# product in its changes. Results end by date without an action, and ocop has no action that
# revokes one yet; when it gets one, its code goes here.
OCOP_PRODUCT_ACTIONS = {"ocop.recognise"}
PRODUCT_ACTIONS = {"catalog.approve", "catalog.take_down"} | OCOP_PRODUCT_ACTIONS
LOT_ACTIONS = {
    "tracing.create_lot",
    "tracing.diary",
    "tracing.ship",
    "tracing.receive",
    "tracing.return",
    "tracing.transform",
    "tracing.adjust",
    "tracing.destroy",
    "tracing.finish_lot",
    "tracing.declare_error",
}
RECALL_ACTIONS = {"tracing.recall", "tracing.recall_complete", "tracing.recall_lift"}
WATCHED = ORGANISATION_ACTIONS | PRODUCT_ACTIONS | LOT_ACTIONS | RECALL_ACTIONS


def _organisation(entry):
    from txng.accounts.models import Organisation

    if entry.action == "enrolment.approve":
        pk = (entry.changes.get("business") or [None, None])[1]
    else:
        pk = entry.object_id
    org = Organisation.objects.filter(pk=pk).first() if pk else None
    return [(RecordType.ORGANISATION, org.pk, org.name, org.pk, {})] if org else []


def _product(entry):
    from txng.catalog.models import Product, Revision

    if entry.action == "catalog.approve":
        rev = Revision.objects.filter(pk=entry.object_id).select_related("business").first()
        if rev is None:
            return []
        if rev.product_id is None:  # the business's own profile was approved
            org = rev.business
            return [(RecordType.ORGANISATION, org.pk, org.name, org.pk, {})]
        product = rev.product
    elif entry.action in OCOP_PRODUCT_ACTIONS:
        pk = (entry.changes.get("product") or [None, None])[1]
        product = Product.objects.filter(pk=pk).first() if pk else None
    else:
        product = Product.objects.filter(pk=entry.object_id).first()
    if product is None or not product.published_at:
        return []  # never published: no hub has heard of it, and none needs to
    return [(RecordType.PRODUCT, product.pk, product.name, product.business_id, {})]


def _lots(entry):
    from txng.catalog.models import PublicState
    from txng.tracing.models import Event, Lot

    if entry.object_type == "tracing.event":
        lot_ids = Event.objects.filter(pk=entry.object_id).values_list("lots", flat=True)
    else:
        lot_ids = [entry.object_id]
    lots = Lot.objects.filter(
        pk__in=[i for i in lot_ids if i], product__state=PublicState.PUBLISHED
    )
    out = []
    for lot in lots.select_related("product"):
        upto = lot.events.aggregate(m=Max("pk"))["m"] or 0
        label = f"{lot.product.name} — {lot.code}"
        out.append((RecordType.LOT, lot.pk, label, lot.business_id, {"upto": upto}))
    return out


def _recall(entry):
    from txng.tracing.models import Recall

    recall = Recall.objects.filter(pk=entry.object_id).first()
    if recall is None:
        return []
    return [(RecordType.RECALL, recall.pk, str(recall)[:255], None, {})]


def records_for(entry):
    if entry.action in ORGANISATION_ACTIONS:
        return _organisation(entry)
    if entry.action in PRODUCT_ACTIONS:
        return _product(entry)
    if entry.action in LOT_ACTIONS:
        return _lots(entry)
    if entry.action in RECALL_ACTIONS:
        return _recall(entry)
    return []


def enqueue(hub, record_type, record_id, *, label="", business_id=None, change="", context=None):
    """One outbox row after the last one of the same record on this hub."""
    for attempt in range(3):
        try:
            # A savepoint: two changes of one record racing for the same number must not break
            # the change itself; the loser takes the next number.
            with transaction.atomic():
                return _append(hub, record_type, record_id, label, business_id, change, context)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _append(hub, record_type, record_id, label, business_id, change, context):
    last = (
        OutboxRow.objects.filter(hub=hub, record_type=record_type, record_id=record_id)
        .order_by("-seq")
        .first()
    )
    seq = last.seq + 1 if last else 1
    context = dict(context or {})
    if record_type == RecordType.LOT:
        # The events this row carries: those after the previous row's, up to this change's.
        context["after"] = (last.context.get("upto", 0) if last else 0) or 0
    return OutboxRow.objects.create(
        hub=hub,
        record_type=record_type,
        record_id=record_id,
        record_label=label[:255],
        business_id=business_id,
        change=change,
        seq=seq,
        idempotency_key=f"txng-{hub.code}-{record_type}-{record_id}-{seq}",
        context=context,
        next_attempt_at=timezone.now(),
    )


def on_audit_entry(entry):
    if entry.action not in WATCHED:
        return
    hubs = list(Hub.objects.filter(enabled=True))
    if not hubs:
        return
    rows = []
    for record_type, record_id, label, business_id, context in records_for(entry):
        for hub in hubs:
            if record_type not in for_hub(hub).handles:
                continue
            rows.append(
                enqueue(
                    hub,
                    record_type,
                    record_id,
                    label=label,
                    business_id=business_id,
                    change=entry.action,
                    context=context,
                )
            )
    if rows:
        transaction.on_commit(_wake_worker)


def _wake_worker():
    from django.utils import timezone

    from txng.national.tasks import _already_queued, deliver_due

    if not _already_queued(timezone.now()):
        deliver_due.enqueue()
