"""The identifiers an EPCIS event names, for the index table (EventIdentifier).

Identifiers are kept in GS1's constrained canonical Digital Link form when they carry a GS1 key
(an EPC URN and a Digital Link URI of the same item are one row value), else as written; a query
value goes through `canonical` too, so either spelling finds the event.
"""

from txng.common.eventhash import digital_link
from txng.tracing.models import EventIdentifier, IdentifierRole

_LISTS = {
    "epcList": IdentifierRole.EPC,
    "childEPCs": IdentifierRole.CHILD,
    "inputEPCList": IdentifierRole.INPUT,
    "outputEPCList": IdentifierRole.OUTPUT,
}
_QUANTITIES = {
    "quantityList": IdentifierRole.CLASS,
    "childQuantityList": IdentifierRole.CHILD_CLASS,
    "inputQuantityList": IdentifierRole.INPUT_CLASS,
    "outputQuantityList": IdentifierRole.OUTPUT_CLASS,
}


def canonical(uri):
    return digital_link(uri) or uri if isinstance(uri, str) else ""


def identifiers(document):
    """(role, canonical value) pairs the event names, each once."""
    found = []
    for key, role in _LISTS.items():
        for uri in document.get(key) or ():
            found.append((role, canonical(uri)))
    if document.get("parentID"):
        found.append((IdentifierRole.PARENT, canonical(document["parentID"])))
    for key, role in _QUANTITIES.items():
        for element in document.get(key) or ():
            if isinstance(element, dict) and element.get("epcClass"):
                found.append((role, canonical(element["epcClass"])))
    return list(dict.fromkeys((role, value) for role, value in found if value))


def index_event(event):
    index_events([event])


def index_events(events):
    EventIdentifier.objects.bulk_create(
        EventIdentifier(event=event, role=role, value=value)
        for event in events
        for role, value in identifiers(event.document)
    )


_VOCAB_PREFIXES = {
    "bizStep": ("urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-", "cbv:BizStep-"),
    "disposition": (
        "urn:epcglobal:cbv:disp:",
        "https://ref.gs1.org/cbv/Disp-",
        "cbv:Disp-",
    ),
}


def vocabulary_term(field, value):
    """A CBV bizStep or disposition as its bare term ("shipping"), however it was written, so
    that EQ_bizStep=shipping finds an event that wrote the full URN; other values as written."""
    value = value or ""
    for prefix in _VOCAB_PREFIXES[field]:
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value
