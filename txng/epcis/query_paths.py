"""The EPCIS 2.0 query parameters that look inside an event's JSON (EPCIS 2.0 section 8.2.7.1):
quantities, sensor data, persistent dispositions, error declarations, ILMD and user extensions.

Each parameter becomes one SQL condition on the event's `document`: the values a JSON path
finds are compared in SQL (`EXISTS (SELECT 1 FROM jsonb_path_query(document, path) …)`), so
times are compared as instants whatever their offset or `Z`, and numbers as numbers. No index
serves them: the query's other filters (the business's own events, MATCH_ through the
identifier index, event time) narrow the rows first, and these conditions are checked on what
is left. PostgreSQL only, as the party filters already were.

Parameters whose names are patterns (`EQ_ILMD_ex:field`, `GE_value_CEL`…) are recognised by
the standard's own patterns (REST Bindings/query-schema.json); anything else stays refused.
"""

import contextlib
import json
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db.models import BooleanField, F, Func

from txng.epcis.problems import Problem

SENSOR = "$.sensorElementList[*]"
METADATA = f"{SENSOR}.sensorMetadata"
REPORT = f"{SENSOR}.sensorReport[*]"
QUANTITY_LISTS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")

COMPARISONS = {"EQ": "=", "GT": ">", "GE": ">=", "LT": "<", "LE": "<="}

# CBV vocabularies are written bare, as URNs, as Web URIs or compact: a query in one form finds
# an event that wrote another.
_VOCABULARY_FORMS = {
    "disposition": (
        "urn:epcglobal:cbv:disp:",
        "https://ref.gs1.org/cbv/Disp-",
        "cbv:Disp-",
    ),
    "errorReason": ("urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-", "cbv:ER-"),
    "measurementType": ("gs1:", "https://gs1.org/voc/", "https://www.gs1.org/voc/"),
}

# Sensor attributes that hold one value compared as text: where each may appear.
SENSOR_TEXT = {
    "EQ_deviceID": (f"{METADATA}.deviceID", f"{REPORT}.deviceID"),
    "EQ_dataProcessingMethod": (
        f"{METADATA}.dataProcessingMethod",
        f"{REPORT}.dataProcessingMethod",
    ),
    "EQ_bizRules": (f"{METADATA}.bizRules",),
    "EQ_microorganism": (f"{REPORT}.microorganism",),
    "EQ_chemicalSubstance": (f"{REPORT}.chemicalSubstance",),
    "EQ_stringValue": (f"{REPORT}.stringValue",),
    "EQ_hexBinaryValue": (f"{REPORT}.hexBinaryValue",),
    "EQ_uriValue": (f"{REPORT}.uriValue",),
    "EQ_booleanValue": (f"{REPORT}.booleanValue",),
    "EQ_transformationID": ("$.transformationID",),
    "EQ_correctiveEventID": ("$.errorDeclaration.correctiveEventIDs[*]",),
}
VOCABULARY_TEXT = {
    "EQ_persistentDisposition_set": ("disposition", ("$.persistentDisposition.set[*]",)),
    "EQ_persistentDisposition_unset": ("disposition", ("$.persistentDisposition.unset[*]",)),
    "EQ_errorReason": ("errorReason", ("$.errorDeclaration.reason",)),
    "EQ_type": ("measurementType", (f"{REPORT}.type",)),
}
TIMES = {
    "time": (f"{METADATA}.time", f"{REPORT}.time"),
    "startTime": (f"{METADATA}.startTime",),
    "endTime": (f"{METADATA}.endTime",),
    "errorDeclarationTime": ("$.errorDeclaration.declarationTime",),
    # query-schema.json spells it with an underscore; the OpenAPI without.
    "errorDeclaration_Time": ("$.errorDeclaration.declarationTime",),
}

_FIELD = r"[a-z][a-zA-Z0-9]*:\w+"
_UOM = r"[A-Z0-9]{2,4}"
QUANTITY = re.compile(rf"^(EQ|GT|GE|LT|LE)_quantity(?:_({_UOM}))?$")
SENSOR_NUMBER = re.compile(
    rf"^(EQ|GT|GE|LT|LE)_(value|minValue|maxValue|meanValue|sDev|percValue)_({_UOM})$"
)
PERC_RANK = re.compile(r"^(GT|GE|LT|LE)_percRank$")
TIME = re.compile(r"^(GE|LT)_(time|startTime|endTime|errorDeclarationTime|errorDeclaration_Time)$")
# EQ_/GT_/…/EXISTS_ [INNER_] [where] <prefix:field>; where is ILMD, an error declaration, a
# sensor element, its metadata or report, or the read point or business location.
EXTENSION = re.compile(
    rf"^(EQ|GT|GE|LT|LE|EXISTS)_(INNER_)?"
    rf"(ILMD_|ERROR_DECLARATION_|SENSORELEMENT_|SENSORMETADATA_|SENSORREPORT_"
    rf"|readPoint_|bizLocation_)?({_FIELD})$"
)
EXTENSION_BASES = {
    None: "$",
    "ILMD_": "$.ilmd",
    "ERROR_DECLARATION_": "$.errorDeclaration",
    "SENSORELEMENT_": SENSOR,
    "SENSORMETADATA_": METADATA,
    "SENSORREPORT_": REPORT,
    "readPoint_": "$.readPoint",
    "bizLocation_": "$.bizLocation",
}
# Master-data attributes (HASATTR_, EQ_ATTR_) need vocabulary master data, which this
# repository does not keep: refused with that reason rather than as an unknown name.
MASTER_DATA = re.compile(r"^(HASATTR_|EQ_ATTR_)")


class PathCondition(Func):
    """True when one value found at any of `paths` in the event's document passes `test`.

    `test` is SQL over `v` (the jsonb value found) with %s placeholders for `params`."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, paths, test="TRUE", params=(), variables=None):
        super().__init__(F("document"))
        self.paths, self.test, self.params = tuple(paths), test, tuple(params)
        self.variables = json.dumps(variables or {})

    def as_sql(self, compiler, connection, **extra):
        if connection.vendor != "postgresql":
            raise Problem(
                "ImplementationException",
                "Tham số này chỉ chạy trên PostgreSQL.",
                501,
            )
        document, document_params = compiler.compile(self.get_source_expressions()[0])
        parts, params = [], []
        for path in self.paths:
            # Only the module's own SQL tests go into the text; paths and values are parameters.
            source = f"jsonb_path_query({document}, %s::jsonpath, %s::jsonb) AS found(v)"
            parts.append(f"EXISTS (SELECT 1 FROM {source} WHERE {self.test})")  # noqa: S608
            params += [*document_params, path, self.variables, *self.params]
        return "(" + " OR ".join(parts) + ")", params


def _number(name, text):
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise Problem("QueryParameterException", f"{name}: cần một số, ví dụ 12.5.")
    return value


def _instant(text):
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def vocabulary_forms(kind, values):
    forms = []
    for value in values:
        bare = value
        for prefix in _VOCABULARY_FORMS[kind]:
            if value.startswith(prefix):
                bare = value[len(prefix) :]
        forms += [bare] + [prefix + bare for prefix in _VOCABULARY_FORMS[kind]]
    return list(dict.fromkeys(forms))


# The SQL tests on `v`, the jsonb value found. Casts are guarded by the value's JSON type, and
# times are read by txng_timestamptz_or_null (migration epcis 0004), NULL for an impossible
# date: an odd value in one event fails its test instead of the query.
_TEXT_IN = "(jsonb_typeof(v) IN ('string', 'boolean') AND v #>> '{}' = ANY(%s))"
_NUMBER = "jsonb_typeof(v) = 'number' AND v::numeric {op} %s"
_NUMBER_IN = "(jsonb_typeof(v) = 'number' AND v::numeric = ANY(%s::numeric[]))"
_TIME = (
    "jsonb_typeof(v) = 'string' AND v #>> '{{}}' ~ '^\\d{{4}}-\\d\\d-\\d\\dT'"
    " AND txng_timestamptz_or_null(v #>> '{{}}') {op} %s"
)


def _text(paths, values):
    return PathCondition(paths, _TEXT_IN, [values])


def _compare(name, op, paths, texts, variables=None):
    """A comparison of numbers (or, for GT/GE/LT/LE, instants) found at `paths`."""
    if op == "=":
        numbers = [_number(name, t) for t in texts]
        return PathCondition(paths, _NUMBER_IN, [numbers], variables)
    text = texts[0]
    moment = _instant(text)
    if moment is not None:
        return PathCondition(paths, _TIME.format(op=op), [moment], variables)
    return PathCondition(paths, _NUMBER.format(op=op), [_number(name, text)], variables)


def _extension(name, match, texts):
    kind, inner, where, field = match.groups()
    if kind == "EXISTS" and where in ("readPoint_", "bizLocation_"):
        return None
    if kind != "EQ" and where in ("readPoint_", "bizLocation_"):
        return None
    base = EXTENSION_BASES[where]
    # INNER_: the field nested at any depth inside one of the top-level extension elements.
    path = f'{base}.*.**."{field}"' if inner else f'{base}."{field}"'
    if kind == "EXISTS":
        return PathCondition([path])
    # Lax mode: [*] gives each element of an array value, or the value itself.
    path += "[*]"
    if kind == "EQ":
        numbers = []
        for text in texts:
            with contextlib.suppress(Problem):
                numbers.append(_number(name, text))
        test = f"({_TEXT_IN} OR {_NUMBER_IN})"
        return PathCondition([path], test, [texts, numbers])
    return _compare(name, COMPARISONS[kind], [path], texts)


def condition(name, texts):
    """The condition for one parameter and its values, or None when the name is not one of
    these (the caller then refuses it)."""
    if name == "EXISTS_sensorElementList":
        return PathCondition(["$.sensorElementList[*]"])
    if name in SENSOR_TEXT:
        return _text(SENSOR_TEXT[name], texts)
    if name in VOCABULARY_TEXT:
        kind, paths = VOCABULARY_TEXT[name]
        return _text(paths, vocabulary_forms(kind, texts))
    if match := TIME.match(name):
        moment = _instant(texts[0])
        if moment is None:
            raise Problem(
                "QueryParameterException",
                f"{name}: cần thời điểm ISO 8601 có múi giờ, ví dụ 2026-01-31T08:00:00+07:00.",
            )
        op = ">=" if match[1] == "GE" else "<"
        return PathCondition(TIMES[match[2]], _TIME.format(op=op), [moment])
    if match := QUANTITY.match(name):
        kind, uom = match.groups()
        if uom:
            paths = [f"$.{key}[*] ? (@.uom == $uom).quantity" for key in QUANTITY_LISTS]
            return _compare(name, COMPARISONS[kind], paths, texts, {"uom": uom})
        paths = [f"$.{key}[*].quantity" for key in QUANTITY_LISTS]
        return _compare(name, COMPARISONS[kind], paths, texts)
    if match := SENSOR_NUMBER.match(name):
        kind, field, uom = match.groups()
        if kind == "EQ" and field != "value":
            return None
        path = f"{REPORT} ? (@.uom == $uom).{field}"
        return _compare(name, COMPARISONS[kind], [path], texts, {"uom": uom})
    if match := PERC_RANK.match(name):
        return _compare(name, COMPARISONS[match[1]], [f"{REPORT}.percRank"], texts)
    if MASTER_DATA.match(name):
        raise Problem(
            "QueryParameterException",
            f"{name}: kho này không lưu thuộc tính dữ liệu chủ (master data) nên không lọc "
            "theo thuộc tính được.",
        )
    if match := EXTENSION.match(name):
        return _extension(name, match, texts)
    return None
