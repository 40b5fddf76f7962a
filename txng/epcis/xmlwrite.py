"""Stored events (JSON-LD) written as an EPCIS 2.0 XML EPCISQueryDocument: xmlread's mapping
reversed. Standard fields go in the order of GS1's EPCIS 2.0 XSD, bare CBV terms become their
URNs, sensor types gs1: CURIEs, and "prefix:name" keys elements in the namespace the event's
@context gives the prefix (the standard context's prefixes when the event declares none).
"""

import re

from lxml import etree

from txng.common.eventhash import _DEFAULT_PREFIXES
from txng.epcis.problems import Problem
from txng.epcis.xmlread import (
    CBV_FIELDS,
    GS1_VOC,
    ID_LISTS,
    QUANTITY_LISTS,
    TYPED_LISTS,
    XSI,
)

EPCIS_NS = "urn:epcglobal:epcis:xsd:2"
QUERY_NS = "urn:epcglobal:epcis-query:xsd:2"
XML_CONTENT_TYPE = "application/xml; charset=utf-8"

_BASE = ("eventTime", "recordTime", "eventTimeZoneOffset", "eventID", "errorDeclaration")
_TAIL = ("sensorElementList", "persistentDisposition")
_WHERE = ("readPoint", "bizLocation")
ORDER = {
    "ObjectEvent": (
        *_BASE,
        "certificationInfo",
        "epcList",
        "action",
        "bizStep",
        "disposition",
        *_WHERE,
        "bizTransactionList",
        "quantityList",
        "sourceList",
        "destinationList",
        *_TAIL,
        "ilmd",
    ),
    "AggregationEvent": (
        *_BASE,
        "certificationInfo",
        "parentID",
        "childEPCs",
        "action",
        "bizStep",
        "disposition",
        *_WHERE,
        "bizTransactionList",
        "childQuantityList",
        "sourceList",
        "destinationList",
        *_TAIL,
    ),
    "TransactionEvent": (
        *_BASE,
        "certificationInfo",
        "bizTransactionList",
        "parentID",
        "epcList",
        "action",
        "bizStep",
        "disposition",
        *_WHERE,
        "quantityList",
        "sourceList",
        "destinationList",
        *_TAIL,
    ),
    "TransformationEvent": (
        *_BASE,
        "certificationInfo",
        "inputEPCList",
        "inputQuantityList",
        "outputEPCList",
        "outputQuantityList",
        "transformationID",
        "bizStep",
        "disposition",
        *_WHERE,
        "bizTransactionList",
        "sourceList",
        "destinationList",
        *_TAIL,
        "ilmd",
    ),
}
ORDER["AssociationEvent"] = ORDER["AggregationEvent"]
# The lists' item names and CBV vocabularies are the reader's, the same mapping both ways.
ID_ITEMS = ID_LISTS
TYPED_ITEMS = TYPED_LISTS
_NAME = re.compile(r"^[A-Za-z_][\w.\-]*$")


# Characters XML 1.0 cannot carry, even escaped (control characters, lone surrogates, U+FFFE/F).
# JSON capture accepts them ("\u0007"); lxml refuses them with a ValueError.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _urn(value, vocabulary):
    if isinstance(value, str) and value and ":" not in value:
        return _text(f"urn:epcglobal:cbv:{vocabulary}:{value}")
    return _text(value)


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    text = "" if value is None else str(value)
    if _NOT_XML.search(text):
        raise Problem(
            "NotAcceptableException",
            f"Giá trị {text[:80]!r} có ký tự mà XML không chứa được; hãy hỏi bằng JSON "
            "(a character XML cannot carry; ask for JSON).",
            406,
        )
    return text


def _prefixes(context):
    """prefix → namespace from the standard context and the @context's inline definitions."""
    result = dict(_DEFAULT_PREFIXES)
    entries = context if isinstance(context, list) else [context]
    for entry in entries:
        if isinstance(entry, dict):
            for term, definition in entry.items():
                iri = definition.get("@id") if isinstance(definition, dict) else definition
                if isinstance(iri, str) and not term.startswith("@"):
                    result[term] = iri
    return result


def _not_a_name(key):
    return Problem(
        "NotAcceptableException",
        f"{key!r} không viết được thành tên phần tử XML; hãy hỏi bằng JSON "
        "(not an XML name; ask for JSON).",
        406,
    )


class Writer:
    def __init__(self, context):
        self.prefixes = _prefixes(context)

    def qname(self, key):
        """`prefix:name` (or a full IRI key, split at its last / or #) as lxml's {ns}name."""
        prefix, sep, name = key.partition(":")
        if sep and name.startswith("//"):
            cut = max(key.rfind("/"), key.rfind("#")) + 1
            ns, name = _text(key[:cut]), key[cut:]
        elif sep:
            ns = self.namespace(prefix, key)
        else:
            ns, name = None, key
        if not _NAME.match(name):
            raise _not_a_name(key)
        return f"{{{ns}}}{name}" if ns else name

    def namespace(self, prefix, key):
        if not _NAME.match(prefix):
            raise _not_a_name(key)
        # An undeclared prefix still needs a namespace for well-formed XML: the prefix itself
        # as a URI scheme keeps it recognisable. A declared one comes from the event's
        # @context, which may hold what XML cannot carry.
        return _text(self.prefixes.get(prefix) or f"{prefix}:")

    def event(self, parent, event):
        kind = event.get("type", "ObjectEvent")
        nsmap = {}
        for prefix in _used_prefixes(event):
            ns = self.namespace(prefix, f"{prefix}:")
            if parent.nsmap.get(prefix) != ns:
                nsmap[prefix] = ns
        element = etree.SubElement(parent, kind, nsmap=nsmap or None)
        order = ORDER.get(kind, ORDER["ObjectEvent"])
        for key in order:
            if key in event:
                self.field(element, key, event[key])
        for key, value in event.items():
            if ":" in key and key not in order and not key.startswith("@"):
                self.extension(element, key, value)
        return element

    def field(self, element, key, value):
        if key in ID_ITEMS:
            holder = etree.SubElement(element, key)
            for item in value or []:
                etree.SubElement(holder, ID_ITEMS[key]).text = _text(item)
        elif key in QUANTITY_LISTS:
            holder = etree.SubElement(element, key)
            for item in value or []:
                self.quantity(etree.SubElement(holder, "quantityElement"), item)
        elif key in TYPED_ITEMS:
            name, vocabulary = TYPED_ITEMS[key]
            holder = etree.SubElement(element, key)
            for item in value or []:
                child = etree.SubElement(holder, name)
                if item.get("type"):
                    child.set("type", _urn(item["type"], vocabulary))
                child.text = _text(item.get(name))
        elif key in CBV_FIELDS:
            etree.SubElement(element, key).text = _urn(value, CBV_FIELDS[key])
        elif key in _WHERE:
            holder = etree.SubElement(element, key)
            etree.SubElement(holder, "id").text = _text(value.get("id"))
            self.extensions(holder, value, skip=("id",))
        elif key == "certificationInfo":
            for item in value if isinstance(value, list) else [value]:
                etree.SubElement(element, key).text = _text(item)
        elif key == "errorDeclaration":
            self.error_declaration(etree.SubElement(element, key), value)
        elif key == "persistentDisposition":
            holder = etree.SubElement(element, key)
            for part in ("set", "unset"):
                for item in value.get(part, []):
                    etree.SubElement(holder, part).text = _urn(item, "disp")
        elif key == "sensorElementList":
            holder = etree.SubElement(element, key)
            for item in value or []:
                self.sensor_element(etree.SubElement(holder, "sensorElement"), item)
        elif key == "ilmd":
            self.extensions(etree.SubElement(element, key), value)
        else:
            etree.SubElement(element, key).text = _text(value)

    def quantity(self, element, item):
        etree.SubElement(element, "epcClass").text = _text(item.get("epcClass"))
        if "quantity" in item:
            etree.SubElement(element, "quantity").text = _text(item["quantity"])
            if "uom" in item:
                etree.SubElement(element, "uom").text = _text(item["uom"])

    def error_declaration(self, element, value):
        etree.SubElement(element, "declarationTime").text = _text(value.get("declarationTime"))
        if "reason" in value:
            etree.SubElement(element, "reason").text = _urn(value["reason"], "er")
        if "correctiveEventIDs" in value:
            self.field(element, "correctiveEventIDs", value["correctiveEventIDs"])
        self.extensions(element, value, skip=("declarationTime", "reason", "correctiveEventIDs"))

    def sensor_element(self, element, value):
        if "sensorMetadata" in value:
            self.sensor_attributes(
                etree.SubElement(element, "sensorMetadata"), value["sensorMetadata"]
            )
        for report in value.get("sensorReport", []):
            self.sensor_attributes(etree.SubElement(element, "sensorReport"), report)
        self.extensions(element, value, skip=("sensorMetadata", "sensorReport"))

    def sensor_attributes(self, element, value):
        for key, item in value.items():
            if key in ("type", "exception") and isinstance(item, str) and ":" not in item:
                item = f"gs1:{item}"
            element.set(self.qname(key), _text(item))

    def extensions(self, element, value, skip=()):
        for key, item in value.items():
            if key not in skip and not key.startswith("@"):
                self.extension(element, key, item)

    def extension(self, parent, key, value):
        """A user field as XML: lists repeat the element, objects nest, "@x" are attributes."""
        if key == "#text":
            parent.text = _text(value)
            return
        if isinstance(value, list):
            for item in value:
                self.extension(parent, key, item)
            return
        element = etree.SubElement(parent, self.qname(key))
        if isinstance(value, dict):
            for name, item in value.items():
                if name.startswith("@") and not name.startswith("@context"):
                    element.set(self.qname(name[1:]), _text(item))
                else:
                    self.extension(element, name, item)
        else:
            element.text = _text(value)


JSON_MEDIA = ("application/json", "application/ld+json")
XML_MEDIA = ("application/xml", "text/xml")


def wants_xml(accept):
    """Whether an Accept header prefers EPCIS XML to JSON-LD (the default, also on a tie).

    Each type takes the q of the most specific range naming it (RFC 9110 §12.5.1); XML wins a
    tie only when it is named and JSON is reached by a wildcard alone ("application/xml, */*").
    """
    ranges = []
    for part in (accept or "").split(","):
        media, *params = [item.strip() for item in part.split(";")]
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media:
            ranges.append((media.lower(), q))

    def best(types):
        found = []
        for media, q in ranges:
            kind, _, _sub = media.partition("/")
            if media in types:
                found.append((2, q))
            elif media == f"{kind}/*" and any(t.startswith(f"{kind}/") for t in types):
                found.append((1, q))
            elif media == "*/*":
                found.append((0, q))
        if not found:
            return (-1, 0.0)
        rank = max(r for r, _q in found)
        return (rank, max(q for r, q in found if r == rank))

    xml_rank, xml_q = best(XML_MEDIA)
    json_rank, json_q = best(JSON_MEDIA)
    if xml_q > json_q:
        return True
    return xml_q == json_q > 0 and xml_rank == 2 and json_rank < 2


def query_document(document):
    """An EPCISQueryDocument (the JSON output.query_document builds) as EPCIS 2.0 XML bytes."""
    results = document["epcisBody"]["queryResults"]
    root = etree.Element(
        f"{{{QUERY_NS}}}EPCISQueryDocument",
        nsmap={"epcisq": QUERY_NS, "epcis": EPCIS_NS, "gs1": GS1_VOC, "xsi": XSI},
    )
    root.set("schemaVersion", "2.0")
    root.set("creationDate", _text(document.get("creationDate", "")))
    body = etree.SubElement(root, "EPCISBody")
    holder = etree.SubElement(body, f"{{{QUERY_NS}}}QueryResults")
    etree.SubElement(holder, "queryName").text = _text(results.get("queryName", "SimpleEventQuery"))
    if results.get("subscriptionID"):
        etree.SubElement(holder, "subscriptionID").text = _text(results["subscriptionID"])
    event_list = etree.SubElement(etree.SubElement(holder, "resultsBody"), "EventList")
    for event in results["resultsBody"]["eventList"]:
        Writer(event.get("@context", document.get("@context"))).event(event_list, event)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _used_prefixes(value, found=None):
    """The prefixes of every "prefix:name" key (and "@prefix:name" attribute) in an event."""
    found = set() if found is None else found
    if isinstance(value, dict):
        for key, item in value.items():
            name = key.removeprefix("@")
            prefix, sep, rest = name.partition(":")
            # a full IRI key (https://…) declares its own namespace, not a prefix
            if sep and rest and not rest.startswith("//") and key != "@context":
                found.add(prefix)
            if key != "@context":
                _used_prefixes(item, found)
    elif isinstance(value, list):
        for item in value:
            _used_prefixes(item, found)
    return found
