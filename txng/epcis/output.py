"""Events as the query answers them: an EPCISQueryDocument, EPCs in the format asked for."""

from django.utils import timezone

from txng.common.eventhash import digital_link
from txng.epcis.capture import CONTEXT
from txng.epcis.problems import Problem

EPC_FORMATS = ("No_Preference", "Always_GS1_Digital_Link", "Always_EPC_URN", "Never_Translates")
_ID_LISTS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")
_QUANTITY_LISTS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")


def epc_format(request):
    """GS1-EPC-Format: the standard's default is Digital Link. EPC URNs are kept as they were
    captured when asked for (Always_EPC_URN): this repository does not write URNs from links."""
    value = request.headers.get("GS1-EPC-Format", "Always_GS1_Digital_Link")
    if value not in EPC_FORMATS:
        raise Problem("QueryParameterException", f"GS1-EPC-Format: {value!r} không hợp lệ.")
    return value


def _link(uri):
    if isinstance(uri, str) and uri.startswith("urn:epc:id:"):
        return digital_link(uri) or uri
    return uri


def as_digital_link(event):
    event = dict(event)
    for key in _ID_LISTS:
        if isinstance(event.get(key), list):
            event[key] = [_link(u) for u in event[key]]
    if "parentID" in event:
        event["parentID"] = _link(event["parentID"])
    for key in _QUANTITY_LISTS:
        if isinstance(event.get(key), list):
            event[key] = [
                dict(q, epcClass=_class_link(q.get("epcClass"))) if isinstance(q, dict) else q
                for q in event[key]
            ]
    return event


def _class_link(uri):
    if isinstance(uri, str) and uri.startswith("urn:epc:class:"):
        return digital_link(uri) or uri
    return uri


def render(event_rows, fmt):
    documents = [row.document for row in event_rows]
    if fmt == "Always_GS1_Digital_Link":
        documents = [as_digital_link(d) for d in documents]
    return documents


def query_document(events, query_name="SimpleEventQuery", subscription_id=None):
    results = {"queryName": query_name, "resultsBody": {"eventList": events}}
    if subscription_id:
        results["subscriptionID"] = subscription_id
    return {
        "@context": [CONTEXT],
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": timezone.now().isoformat(timespec="milliseconds"),
        "epcisBody": {"queryResults": results},
    }
