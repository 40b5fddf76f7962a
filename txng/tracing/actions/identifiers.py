"""Correcting stored events that name things with the old invented URNs (urn:txng:…) or carry a
typed name (an off-platform buyer's, a supplier's, a worker's).

Events are append-only and hashed, so they are never edited: each such event gets a corrected
copy (new identifiers, names left out) and an EPCIS error declaration on the old one naming the
copy as its corrective event, the way a business corrects a wrong record. The rows that pointed
at the old event (diary entry, shipment, trace-graph edge) then point at the copy. Running it
again finds nothing left to correct.
"""

import json
import re
from urllib.parse import quote, unquote

from django.db import transaction
from django.utils.translation import gettext as _

from txng.accounts.models import Organisation
from txng.common.codes import random_code
from txng.tracing import events
from txng.tracing.actions.movements import record_error_declaration
from txng.tracing.codes import (
    biz_transaction_uri,
    id_base,
    offline_party_uri,
    party_uri,
)
from txng.tracing.models import DiaryEntry, Event, LotLink, Shipment

OLD = "urn:txng:"
NAMES = ("txng:person", "txng:supplier")
_PARTY = re.compile(r"urn:txng:party:(\d+)")


def needs_correction(event):
    document = event.document
    return any(key in document for key in NAMES) or OLD in str(document)


def _shipment_of(event):
    return Shipment.objects.filter(ship_event=event).first()


def _corrected(event):
    """The event's document with every identifier in its valid form and no typed name."""
    document = {
        key: value
        for key, value in event.document.items()
        if key not in ("eventID", "recordTime", *NAMES)
    }
    issuer = event.business

    def party(value):
        if value.startswith("urn:txng:party:offline:"):
            shipment = _shipment_of(event)
            if shipment is not None and not shipment.receiver_ref:
                shipment.receiver_ref = random_code(10)
                shipment.save(update_fields=["receiver_ref"])
            return offline_party_uri(shipment.receiver_ref if shipment else random_code(10))
        match = _PARTY.fullmatch(value)
        org = Organisation.objects.filter(pk=match[1]).first() if match else None
        return party_uri(org) if org else value

    for key, field in (("sourceList", "source"), ("destinationList", "destination")):
        for item in document.get(key, []):
            item[field] = party(item[field])
    sources = [s["source"] for s in event.document.get("sourceList", [])]
    if sources and (match := _PARTY.fullmatch(sources[0])):
        # The shipper issued the invoice and the despatch advice a receipt names.
        issuer = Organisation.objects.filter(pk=match[1]).first() or issuer
    for item in document.get("bizTransactionList", []):
        value = item["bizTransaction"]
        prefix = f"{OLD}{item['type']}:"
        if value.startswith(prefix):
            item["bizTransaction"] = biz_transaction_uri(
                issuer, item["type"], unquote(value[len(prefix) :])
            )
    if "txng:holder" in document and document["txng:holder"].startswith(OLD):
        document["txng:holder"] = party(document["txng:holder"])
    return json.loads(_replace_plain(json.dumps(document, ensure_ascii=False)))


def _replace_plain(text):
    """Lots and places: urn:txng:lot:<trace code> and urn:txng:loc:<id> → the https forms."""
    base = id_base()
    text = re.sub(r"urn:txng:lot:([^\"]+)", lambda m: f"{base}/lot/{quote(m[1], safe='')}", text)
    return re.sub(r"urn:txng:loc:(\d+)", lambda m: f"{base}/loc/{m[1]}", text)


@transaction.atomic
def correct_event(event):
    """The corrected copy of `event` and the error declaration on it; returns the copy."""
    document = _corrected(event)
    copy, _created = events.capture(
        document,
        business=event.business,
        title=event.title,
        public_detail=event.public_detail,
        lots=[(row.lot, row.role, row.quantity) for row in event.lot_rows.all()],
        facility=event.facility,
        actor=None,
    )
    record_error_declaration(
        event,
        actor=None,
        reason=_("Thay mã định danh nội bộ bằng mã hợp lệ toàn cầu, bỏ tên riêng khỏi sự kiện."),
        corrective=[copy],
    )
    DiaryEntry.objects.filter(event=event).update(event=copy)
    Shipment.objects.filter(ship_event=event).update(ship_event=copy)
    Shipment.objects.filter(receive_event=event).update(receive_event=copy)
    LotLink.objects.filter(event=event).update(event=copy)
    return copy


def correct_stored_events():
    """Correct every live event that needs it; returns how many were corrected."""
    live = Event.objects.filter(
        declares_error_on__isnull=True, error_declarations__isnull=True
    ).order_by("pk")
    count = 0
    for event in live.iterator():
        if needs_correction(event):
            correct_event(event)
            count += 1
    return count
