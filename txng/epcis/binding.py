"""What every endpoint of /epcis/ shares: the NinjaAPI object, JSON-LD and problem answers,
the version headers and the events answer with its paging."""

from urllib.parse import quote, urlencode

from django.http import Http404, HttpResponse, JsonResponse
from django.utils.cache import patch_vary_headers
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from txng.epcis import capture, output, query, xmlwrite
from txng.epcis.auth import KeyAuth
from txng.epcis.problems import Problem
from txng.epcis.problems import response as problem_response

VERSION_HEADERS = {"GS1-EPCIS-Version": "2.0.0", "GS1-CBV-Version": "2.0.0"}

api = NinjaAPI(
    title="txng EPCIS 2.0",
    version="2.0.0",
    description=(
        "GS1 EPCIS 2.0 REST binding over the province's event table. Authenticate with an API "
        "key: `Authorization: Bearer txng_…` (made by a business owner or an authority head "
        "at /manage/api-keys/). See docs/api.md for curl examples."
    ),
    docs_url="/docs",
    urls_namespace="epcis",
    auth=KeyAuth(),
)

QUERY_PARAMETERS = [
    "eventType",
    "GE_eventTime",
    "LT_eventTime",
    "GE_recordTime",
    "LT_recordTime",
    "EQ_action",
    "EQ_bizStep",
    "EQ_disposition",
    "EQ_readPoint",
    "EQ_bizLocation",
    "MATCH_epc",
    "MATCH_parentID",
    "MATCH_inputEPC",
    "MATCH_outputEPC",
    "MATCH_anyEPC",
    "MATCH_epcClass",
    "MATCH_inputEPCClass",
    "MATCH_outputEPCClass",
    "MATCH_anyEPCClass",
    "EQ_eventID",
    "EXISTS_errorDeclaration",
    "EQ_errorReason",
    "EQ_correctiveEventID",
    "GE_errorDeclarationTime",
    "LT_errorDeclarationTime",
    "WD_readPoint",
    "WD_bizLocation",
    "EQ_transformationID",
    "EQ_persistentDisposition_set",
    "EQ_persistentDisposition_unset",
    "EQ_quantity",
    "GT_quantity",
    "GE_quantity",
    "LT_quantity",
    "LE_quantity",
    "EXISTS_sensorElementList",
    "GE_time",
    "LT_time",
    "GE_startTime",
    "LT_startTime",
    "GE_endTime",
    "LT_endTime",
    "EQ_type",
    "EQ_deviceID",
    "EQ_dataProcessingMethod",
    "EQ_microorganism",
    "EQ_chemicalSubstance",
    "EQ_bizRules",
    "EQ_stringValue",
    "EQ_booleanValue",
    "EQ_hexBinaryValue",
    "EQ_uriValue",
    "GE_percRank",
    "GT_percRank",
    "LT_percRank",
    "LE_percRank",
    "orderBy",
    "orderDirection",
    "eventCountLimit",
    "maxEventCount",
    "perPage",
    "nextPageToken",
]
QUERY_DOCS = {
    "parameters": [
        {"in": "query", "name": name, "required": False, "schema": {"type": "string"}}
        for name in QUERY_PARAMETERS
    ]
    + [
        {
            "in": "query",
            "name": "EQ_bizTransaction_po",
            "required": False,
            "description": (
                "EQ_bizTransaction_<type>, EQ_source_<type>, EQ_destination_<type>; the"
                " standard's patterns too: EQ_/GT_/GE_/LT_/LE_quantity_<uom>,"
                " EQ_value_<uom>, GE_/GT_/LT_/LE_ value|minValue|maxValue|meanValue|sDev|"
                "percValue _<uom>, and EQ_/GT_/GE_/LT_/LE_/EXISTS_ [INNER_] [ILMD_|"
                "ERROR_DECLARATION_|SENSORELEMENT_|SENSORMETADATA_|SENSORREPORT_|readPoint_|"
                "bizLocation_] <prefix>:<field> on extension fields"
            ),
            "schema": {"type": "string"},
        }
    ]
}
CAPTURE_DOCS = {
    "requestBody": {
        "required": True,
        "content": {
            "application/ld+json": {
                "schema": {"type": "object"},
                "example": {
                    "@context": [capture.CONTEXT],
                    "type": "EPCISDocument",
                    "schemaVersion": "2.0",
                    "creationDate": "2026-03-01T08:00:00+07:00",
                    "epcisBody": {
                        "eventList": [
                            {
                                "type": "ObjectEvent",
                                "eventTime": "2026-03-01T08:00:00+07:00",
                                "eventTimeZoneOffset": "+07:00",
                                "epcList": ["https://id.gs1.org/01/08930000000019/21/1"],
                                "action": "OBSERVE",
                                "bizStep": "shipping",
                                "disposition": "in_transit",
                            }
                        ]
                    },
                },
            },
            "application/xml": {
                "schema": {"type": "string"},
                "example": (
                    '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" '
                    'schemaVersion="2.0" creationDate="2026-03-01T08:00:00+07:00"><EPCISBody>'
                    "<EventList><ObjectEvent><eventTime>2026-03-01T08:00:00+07:00</eventTime>"
                    "<eventTimeZoneOffset>+07:00</eventTimeZoneOffset><epcList>"
                    "<epc>https://id.gs1.org/01/08930000000019/21/1</epc></epcList>"
                    "<action>OBSERVE</action>"
                    "<bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>"
                    "</ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>"
                ),
            },
        },
    }
}


def answer(body, status=200, headers=None, content_type="application/ld+json"):
    result = JsonResponse(body, status=status, safe=False, content_type=content_type)
    for name, value in {**VERSION_HEADERS, **(headers or {})}.items():
        result[name] = value
    return result


def negotiated(request, body, headers=None):
    """A query answer as JSON-LD, or as EPCIS 2.0 XML when the Accept header prefers it."""
    if xmlwrite.wants_xml(request.headers.get("Accept", "")):
        content = xmlwrite.query_document(body)
        result = HttpResponse(content, content_type=xmlwrite.XML_CONTENT_TYPE)
        for name, value in {**VERSION_HEADERS, **(headers or {})}.items():
            result[name] = value
    else:
        result = answer(body, headers=headers)
    patch_vary_headers(result, ["Accept"])
    return result


@api.exception_handler(Problem)
def _problem(request, exc):
    return problem_response(exc, VERSION_HEADERS)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    problem = Problem("SecurityException", "Cần khóa API hợp lệ: Authorization: Bearer txng_…", 401)
    return problem_response(problem, {**VERSION_HEADERS, "WWW-Authenticate": "Bearer"})


@api.exception_handler(NinjaValidationError)
def _bad_parameters(request, exc):
    return problem_response(Problem("QueryParameterException", str(exc.errors)[:500]))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem_response(Problem("NoSuchResourceException", "Không tìm thấy.", 404))


def check_versions(request):
    """GS1-EPCIS-Version / GS1-CBV-Version a client asks for: only 2.0.x is served here."""
    for header in ("GS1-EPCIS-Version", "GS1-CBV-Version", "GS1-EPCIS-Max", "GS1-CBV-Max"):
        asked = request.headers.get(header)
        if asked and not asked.startswith("2."):
            raise Problem("NotAcceptableException", f"{header}: chỉ phục vụ phiên bản 2.0.", 406)
    for header in ("GS1-EPCIS-Min", "GS1-CBV-Min"):
        asked = request.headers.get(header)
        if asked and asked > "2.0.0":
            raise Problem("NotAcceptableException", f"{header}: kho này dùng 2.0.0.", 406)


def error_behaviour(request):
    value = request.headers.get("GS1-Capture-Error-Behaviour", "rollback").lower()
    if value not in ("rollback", "proceed"):
        raise Problem("ValidationException", "GS1-Capture-Error-Behaviour: rollback hoặc proceed.")
    return value


def job_json(job):
    body = {
        "captureID": job.capture_id,
        "createdAt": job.created_at.isoformat(),
        "running": job.running,
        "success": job.success,
        "captureErrorBehaviour": job.error_behaviour,
        "errors": job.errors,
    }
    if job.finished_at:
        body["finishedAt"] = job.finished_at.isoformat()
    return body


def capture_limits():
    return {
        "GS1-EPCIS-Capture-Limit": str(capture.capture_limit()),
        "GS1-EPCIS-Capture-File-Size-Limit": str(capture.size_limit()),
    }


def quote_id(value):
    return quote(value, safe="")


def events_response(request, queryset, params, query_name="SimpleEventQuery"):
    fmt = output.epc_format(request)
    rows, token = query.page(query.apply(queryset, params), params)
    body = output.query_document(output.render(rows, fmt), query_name)
    headers = {"GS1-EPC-Format": fmt}
    if token:
        pairs = [
            (k, v) for k in request.GET for v in request.GET.getlist(k) if k != "nextPageToken"
        ]
        pairs.append(("nextPageToken", token))
        headers["Link"] = f'<{request.path}?{urlencode(pairs)}>; rel="next"'
        headers["GS1-Next-Page-Token-Expires"] = str(query.TOKEN_AGE)
    return negotiated(request, body, headers)
