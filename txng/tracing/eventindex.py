"""The identifiers an EPCIS event names, for the index table (EventIdentifier).

Identifiers are kept in GS1's constrained canonical Digital Link form when they carry a GS1 key
(an EPC URN and a Digital Link URI of the same item are one row value), else as written; a query
value goes through `canonical` too, so either spelling finds the event.
"""

from txng.common.eventhash import digital_link
from txng.tracing.models import EventIdentifier, IdentifierRole

# Roles as plain strings: every captured event goes through identifiers(), and an enum
# member's hash and str() are Python calls, a third of its time.
_LISTS = {
    "epcList": IdentifierRole.EPC.value,
    "childEPCs": IdentifierRole.CHILD.value,
    "inputEPCList": IdentifierRole.INPUT.value,
    "outputEPCList": IdentifierRole.OUTPUT.value,
}
_QUANTITIES = {
    "quantityList": IdentifierRole.CLASS.value,
    "childQuantityList": IdentifierRole.CHILD_CLASS.value,
    "inputQuantityList": IdentifierRole.INPUT_CLASS.value,
    "outputQuantityList": IdentifierRole.OUTPUT_CLASS.value,
}
_PARENT = IdentifierRole.PARENT.value


def canonical(uri):
    return digital_link(uri) or uri if isinstance(uri, str) else ""


def identifiers(document):
    """(role, canonical value) pairs the event names, each once."""
    found = {}  # a dict keeps the first of each pair, in order
    for key, role in _LISTS.items():
        for uri in document.get(key) or ():
            if value := canonical(uri):
                found[role, value] = None
    if document.get("parentID") and (value := canonical(document["parentID"])):
        found[_PARENT, value] = None
    for key, role in _QUANTITIES.items():
        for element in document.get(key) or ():
            if isinstance(element, dict) and (value := canonical(element.get("epcClass"))):
                found[role, value] = None
    return list(found)


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
