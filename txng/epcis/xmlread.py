"""EPCIS XML documents (2.0, and 1.2 with its extension wrappers) read into the JSON-LD the
JSON path stores, by the XML↔JSON mapping of the EPCIS 2.0 standard (section 12, the JSON/JSON-LD
binding):

- standard elements keep their names; lists lose their item wrappers (epcList/epc → "epcList":
  [...]); bizTransaction, source and destination become {"type", "<name>"} objects;
- CBV values written as URNs (urn:epcglobal:cbv:bizstep:shipping) become the bare terms JSON
  uses ("shipping"), sensor types lose their gs1: prefix; numbers and booleans become JSON ones;
- an element in a user namespace becomes a key "prefix:localName", its prefix declared in the
  document's @context with the XML namespace exactly as written, so the event hash of the stored
  JSON is the one GS1's algorithm gives the XML; nested elements become objects, repeated ones
  lists, attributes "@name" keys and text beside them "#text";
- EPCIS 1.2's wrappers (<extension>, <baseExtension>, EventList/extension/TransformationEvent)
  are unwrapped, as GS1's convert-1.2-to-2.0.xsl does.

The parser resolves no entity, reads no DTD and opens no URL; a document that declares entities
is refused, so neither a billion-laughs expansion nor an external entity can cost anything.
"""

import json
import math
import re
from functools import cache
from pathlib import Path

from lxml import etree

from txng.common.eventhash import _CBV_TERMS
from txng.epcis.problems import Problem

XML_TYPES = ("application/xml", "text/xml")
CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
EPCIS_NAMESPACES = (
    "urn:epcglobal:epcis:xsd:1",
    "urn:epcglobal:epcis:xsd:2",
    "urn:epcglobal:epcis-query:xsd:1",
    "urn:epcglobal:epcis-query:xsd:2",
)
GS1_VOC = "https://gs1.org/voc/"

EVENT_TYPES = (
    "ObjectEvent",
    "AggregationEvent",
    "TransformationEvent",
    "AssociationEvent",
    "TransactionEvent",
)
WRAPPERS = ("extension", "baseExtension")
TEXT_FIELDS = (
    "eventTime",
    "recordTime",
    "eventTimeZoneOffset",
    "eventID",
    "action",
    "parentID",
    "transformationID",
)
CBV_FIELDS = {"bizStep": "bizstep", "disposition": "disp"}
ID_LISTS = {
    "epcList": "epc",
    "childEPCs": "epc",
    "inputEPCList": "epc",
    "outputEPCList": "epc",
    "correctiveEventIDs": "correctiveEventID",
}
QUANTITY_LISTS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
TYPED_LISTS = {
    "bizTransactionList": ("bizTransaction", "btt"),
    "sourceList": ("source", "sdt"),
    "destinationList": ("destination", "sdt"),
}
SENSOR_TERMS = {"type": "measurementType", "exception": "sensorAlertType"}
SENSOR_NUMBERS = ("value", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue")
_VOCABULARY = {"bizstep": "BizStep-", "disp": "Disp-", "btt": "BTT-", "sdt": "SDT-", "er": "ER-"}
_WEB_VOCABULARY = re.compile(r"^https://ref\.gs1\.org/cbv/(BizStep|Disp|BTT|SDT|ER)-(.+)$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


@cache
def _schema_terms(definition):
    """The bare terms GS1's JSON schema lists for `definition` (measurementType...)."""
    schema = Path(__file__).resolve().parent / "schema" / "EPCIS-JSON-Schema.json"
    options = json.loads(schema.read_text(encoding="utf-8"))["definitions"][definition]["anyOf"]
    return frozenset(term for option in options for term in option.get("enum", ()))


def refuse(where, vietnamese, english):
    raise Problem("ValidationException", f"{where}: {vietnamese} ({english}).")


def parse(body):
    """The XML tree of `body`, or a problem naming the line and what is wrong there."""
    if b"<!ENTITY" in body:  # refused before parsing; the checks below catch other encodings
        refuse(
            "DOCTYPE",
            "tài liệu khai báo thực thể XML, không được nhận",
            "entity declarations are refused",
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise Problem(
            "ValidationException",
            f"Không đọc được XML, dòng {exc.lineno} (malformed XML, line {exc.lineno}): "
            f"{str(exc.msg)[:200]}.",
        ) from exc
    dtd = root.getroottree().docinfo.internalDTD
    if (dtd is not None and any(True for _ in dtd.iterentities())) or any(
        True for _ in root.iter(etree.Entity)
    ):
        refuse(
            "DOCTYPE",
            "tài liệu khai báo thực thể XML, không được nhận",
            "entity declarations are refused",
        )
    return root


def local(element):
    return etree.QName(element).localname


def namespace(element):
    """The element's namespace, None for EPCIS's own: the XSD leaves inner elements unqualified,
    but a document written with a default EPCIS namespace means the same."""
    ns = etree.QName(element).namespace
    return None if ns in EPCIS_NAMESPACES else ns


def to_json(body):
    """An EPCISDocument / EPCISQueryDocument as JSON-LD; a lone event element (POST /events)
    as that event with its own @context."""
    root = parse(body)
    reader = Reader()
    name = local(root)
    if name in EVENT_TYPES:
        event = reader.event(root, name)
        return {"@context": reader.context(), **event}
    if name not in ("EPCISDocument", "EPCISQueryDocument"):
        refuse(
            name,
            "phần tử gốc cần là EPCISDocument hoặc EPCISQueryDocument",
            "the root element must be EPCISDocument or EPCISQueryDocument",
        )
    body_element = reader.only(root, "EPCISBody", name, required=True)
    where = f"{name}/EPCISBody"
    if name == "EPCISQueryDocument":
        results = reader.only(body_element, "QueryResults", where, required=True)
        where += "/QueryResults"
        inner = reader.only(results, "resultsBody", where, required=True)
        where += "/resultsBody"
        events = reader.event_list(reader.only(inner, "EventList", where), where)
        query = {"queryName": reader.text_of(results, "queryName") or "SimpleEventQuery"}
        if subscription := reader.text_of(results, "subscriptionID"):
            query["subscriptionID"] = subscription
        epcis_body = {"queryResults": {**query, "resultsBody": {"eventList": events}}}
    else:
        epcis_body = {
            "eventList": reader.event_list(reader.only(body_element, "EventList", where), where)
        }
    document = {
        "@context": reader.context(),
        "type": name,
        "schemaVersion": "2.0",  # 1.2 documents are read into their 2.0 form
        "creationDate": root.get("creationDate") or "",
        "epcisBody": epcis_body,
    }
    if not document["creationDate"]:
        refuse(name, "thiếu thuộc tính creationDate", "creationDate attribute is missing")
    return document


def children(element):
    """Child elements with EPCIS 1.2's no-namespace <extension>/<baseExtension> unwrapped."""
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if namespace(child) is None and local(child) in WRAPPERS:
            yield from children(child)
        else:
            yield child


def reserved(element):
    """An element EPCIS 2.0 does not define inside a no-namespace <extension>: the XSD reserves
    those for later versions of the standard (1.2's extension/extension/myField), JSON has no
    place for them, and GS1's 1.2→2.0 stylesheet drops them too; they are skipped."""
    parent = element.getparent()
    return namespace(element) is None and parent is not None and local(parent) in WRAPPERS


def bare(value, vocabulary):
    """urn:epcglobal:cbv:bizstep:shipping (or its web URI) → "shipping" when CBV defines it."""
    match = re.match(rf"^urn:epcglobal:cbv:{vocabulary}:(.+)$", value)
    term = match.group(1) if match else None
    web = _WEB_VOCABULARY.match(value) if term is None else None
    if web and _VOCABULARY[vocabulary] == f"{web.group(1)}-":
        term = web.group(2)
    if term and term in _CBV_TERMS[_VOCABULARY[vocabulary]]:
        return term
    return value


def number(text, where):
    text = (text or "").strip()
    if _INTEGER.match(text):
        return int(text)
    if _DECIMAL.match(text) and math.isfinite(value := float(text)):
        return value
    refuse(where, f"{text!r} không phải là số", "not a number")


class Reader:
    """One document's conversion: remembers which namespaces its user extensions use."""

    def __init__(self):
        self.prefixes = {}  # namespace → prefix declared in @context

    def context(self):
        declared = {prefix: ns for ns, prefix in self.prefixes.items()}
        return [CONTEXT, declared] if declared else [CONTEXT]

    def prefix(self, element_or_ns, wanted=None):
        ns = element_or_ns
        if not isinstance(ns, str):
            ns, wanted = namespace(ns), ns.prefix
        if ns not in self.prefixes:
            taken = set(self.prefixes.values())
            candidate = wanted or "ns1"
            counter = 1
            while candidate in taken:
                counter += 1
                candidate = f"{wanted or 'ns'}{counter}"
            self.prefixes[ns] = candidate
        return self.prefixes[ns]

    def key(self, element):
        ns = namespace(element)
        return f"{self.prefix(element)}:{local(element)}" if ns else local(element)

    def attribute_key(self, name, element):
        qname = etree.QName(name)
        if qname.namespace is None:
            return qname.localname
        wanted = next((p for p, n in element.nsmap.items() if n == qname.namespace and p), None)
        return f"{self.prefix(qname.namespace, wanted)}:{qname.localname}"

    # --- helpers -----------------------------------------------------------------------------

    def only(self, parent, name, where, required=False):
        found = [c for c in children(parent) if local(c) == name]
        if len(found) > 1:
            refuse(f"{where}/{name}", "phần tử lặp lại", "element repeated")
        if not found:
            if required:
                refuse(f"{where}/{name}", "thiếu phần tử này", "element missing")
            return None
        return found[0]

    def text_of(self, parent, name):
        found = next((c for c in parent if isinstance(c.tag, str) and local(c) == name), None)
        return (found.text or "").strip() if found is not None else None

    @staticmethod
    def text(element):
        return (element.text or "").strip()

    def put(self, target, key, value, where):
        """Repeated user-extension elements gather into a list, as GS1's mapping says."""
        if key not in target:
            target[key] = value
        elif isinstance(target[key], _Repeated):
            target[key].append(value)
        else:
            target[key] = _Repeated([target[key], value])

    # --- events ------------------------------------------------------------------------------

    def event_list(self, element, where):
        if element is None:
            return []
        events = []
        for child in children(element):
            name = local(child)
            if namespace(child) is not None or name not in EVENT_TYPES:
                refuse(
                    f"{where}/EventList/{name}",
                    "không phải loại sự kiện EPCIS 2.0",
                    "not an EPCIS 2.0 event type",
                )
            events.append(self.event(child, f"{where}/EventList/{name}[{len(events) + 1}]"))
        return events

    def event(self, element, where):
        event = {"type": local(element)}
        certificates = []
        for name, value in element.attrib.items():
            if etree.QName(name).namespace not in (None, XSI):
                event[self.attribute_key(name, element)] = value
        for child in children(element):
            name, path = local(child), f"{where}/{local(child)}"
            if namespace(child) is not None:
                self.put(event, self.key(child), self.extension(child, path), path)
                continue
            if name in event and name != "certificationInfo":
                refuse(path, "phần tử lặp lại", "element repeated")
            if name in TEXT_FIELDS:
                event[name] = self.text(child)
            elif name in CBV_FIELDS:
                event[name] = bare(self.text(child), CBV_FIELDS[name])
            elif name in ID_LISTS:
                event[name] = self.id_list(child, ID_LISTS[name], path)
            elif name in QUANTITY_LISTS:
                event[name] = [
                    self.quantity(item, f"{path}/quantityElement[{i + 1}]")
                    for i, item in enumerate(self.items(child, "quantityElement", path))
                ]
            elif name in TYPED_LISTS:
                event[name] = self.typed_list(child, *TYPED_LISTS[name], path)
            elif name in ("readPoint", "bizLocation"):
                event[name] = self.location(child, path)
            elif name == "certificationInfo":
                certificates.append(self.text(child))
            elif name == "errorDeclaration":
                event[name] = self.error_declaration(child, path)
            elif name == "persistentDisposition":
                event[name] = self.persistent_disposition(child, path)
            elif name == "sensorElementList":
                event[name] = [
                    self.sensor_element(item, f"{path}/sensorElement[{i + 1}]")
                    for i, item in enumerate(self.items(child, "sensorElement", path))
                ]
            elif name == "ilmd":
                event[name] = self.user_fields(child, path)
            elif not reserved(child):
                refuse(path, "phần tử không có trong EPCIS", "unknown EPCIS element")
        if certificates:
            event["certificationInfo"] = certificates[0] if len(certificates) == 1 else certificates
        return _plain(event)

    def items(self, element, item_name, where):
        found = []
        for child in children(element):
            if namespace(child) is not None or local(child) != item_name:
                refuse(
                    f"{where}/{local(child)}",
                    f"chỉ nhận phần tử <{item_name}> ở đây",
                    f"only <{item_name}> is allowed here",
                )
            found.append(child)
        return found

    def id_list(self, element, item_name, where):
        return [self.text(item) for item in self.items(element, item_name, where)]

    def quantity(self, element, where):
        result = {}
        for child in children(element):
            name = local(child)
            if name == "epcClass" or name == "uom":
                result[name] = self.text(child)
            elif name == "quantity":
                if child.get(f"{{{XSI}}}nil") not in ("true", "1") and self.text(child):
                    result[name] = number(child.text, f"{where}/quantity")
            elif not reserved(child):
                refuse(f"{where}/{name}", "phần tử không có trong EPCIS", "unknown EPCIS element")
        if "epcClass" not in result:
            refuse(f"{where}/epcClass", "thiếu phần tử này", "element missing")
        return result

    def typed_list(self, element, item_name, vocabulary, where):
        result = []
        for item in self.items(element, item_name, where):
            entry = {}
            if item.get("type"):
                entry["type"] = bare(item.get("type"), vocabulary)
            entry[item_name] = self.text(item)
            result.append(entry)
        return result

    def location(self, element, where):
        result = {}
        for child in children(element):
            name = local(child)
            if namespace(child) is not None:
                self.put(result, self.key(child), self.extension(child, f"{where}/{name}"), where)
            elif name == "id":
                result["id"] = self.text(child)
            elif not reserved(child):
                refuse(f"{where}/{name}", "phần tử không có trong EPCIS", "unknown EPCIS element")
        if "id" not in result:
            refuse(f"{where}/id", "thiếu phần tử này", "element missing")
        return _plain(result)

    def error_declaration(self, element, where):
        result = {}
        for child in children(element):
            name, path = local(child), f"{where}/{local(child)}"
            if namespace(child) is not None:
                self.put(result, self.key(child), self.extension(child, path), path)
            elif name == "declarationTime":
                result[name] = self.text(child)
            elif name == "reason":
                result[name] = bare(self.text(child), "er")
            elif name == "correctiveEventIDs":
                result[name] = self.id_list(child, "correctiveEventID", path)
            elif not reserved(child):
                refuse(path, "phần tử không có trong EPCIS", "unknown EPCIS element")
        return _plain(result)

    def persistent_disposition(self, element, where):
        result = {}
        for child in children(element):
            name = local(child)
            if namespace(child) is not None or name not in ("set", "unset"):
                refuse(f"{where}/{name}", "chỉ nhận <set> và <unset>", "only <set>, <unset>")
            result.setdefault(name, []).append(bare(self.text(child), "disp"))
        return result

    def sensor_element(self, element, where):
        result, reports = {}, []
        for child in children(element):
            name, path = local(child), f"{where}/{local(child)}"
            if namespace(child) is not None:
                self.put(result, self.key(child), self.extension(child, path), path)
            elif name == "sensorMetadata":
                result[name] = self.sensor_attributes(child, path)
            elif name == "sensorReport":
                reports.append(self.sensor_attributes(child, f"{path}[{len(reports) + 1}]"))
            elif not reserved(child):
                refuse(path, "phần tử không có trong EPCIS", "unknown EPCIS element")
        if reports:
            result["sensorReport"] = reports
        return _plain(result)

    def sensor_attributes(self, element, where):
        result = {}
        for name, value in element.attrib.items():
            key = self.attribute_key(name, element)
            if etree.QName(name).namespace == XSI:
                continue
            if key in SENSOR_NUMBERS:
                result[key] = number(value, f"{where}/@{key}")
            elif key == "booleanValue":
                if value.strip() not in ("true", "false", "1", "0"):
                    refuse(f"{where}/@{key}", f"{value!r} không phải true/false", "not a boolean")
                result[key] = value.strip() in ("true", "1")
            elif key in SENSOR_TERMS and value.removeprefix("gs1:") in _schema_terms(
                SENSOR_TERMS[key]
            ):
                # JSON writes GS1's own terms bare; a gs1: term the schema does not list stays
                # a CURIE, which the schema accepts and hashes the same.
                result[key] = value.removeprefix("gs1:")
            else:
                result[key] = value
        return result

    # --- user extensions ---------------------------------------------------------------------

    def user_fields(self, element, where):
        result = {}
        for child in children(element):
            path = f"{where}/{local(child)}"
            if reserved(child):
                continue
            if namespace(child) is None:
                refuse(
                    path,
                    "phần tử mở rộng cần một không gian tên riêng",
                    "extension elements need their own namespace",
                )
            self.put(result, self.key(child), self.extension(child, path), path)
        return _plain(result)

    def extension(self, element, where):
        """A user element: text, or an object of its children and "@attribute"s."""
        kids = [c for c in element if isinstance(c.tag, str)]
        attributes = {
            f"@{self.attribute_key(name, element)}": value
            for name, value in element.attrib.items()
            if etree.QName(name).namespace != XSI
        }
        if not kids and not attributes:
            return self.text(element)
        result = dict(attributes)
        for child in kids:
            self.put(
                result, self.key(child), self.extension(child, f"{where}/{local(child)}"), where
            )
        if not kids and self.text(element):
            result["#text"] = self.text(element)
        return _plain(result)


class _Repeated(list):
    """A list made of repeated XML elements (not a value that was itself a list)."""


def _plain(value):
    """_Repeated lists back to plain lists, so the JSON is what json.loads would give."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
