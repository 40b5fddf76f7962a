"""EPCIS 2.0 event hash ID (GS1 CBV 2.0, section 8.9).

The hash ID of an event is ``ni:///sha-256;<hex>?ver=CBV2.0``, the SHA-256 of a canonical
*pre-hash string*: the event's fields in a fixed order, each as ``key=value`` (or a bare key for
containers), concatenated without separators, with every value normalised so that the same event
hashes alike whatever its serialisation (XML or JSON-LD, CURIEs or full URIs, EPC URNs or GS1
Digital Link URIs, local time or UTC).

What "canonical" means in edge cases is decided by the GS1 reference implementation
(RalphTro/epcis-event-hash-generator) and its test vectors, not only by the prose of the
standard: where the two differ (see ``_TAIL_FIELDS``), this module follows the vectors, because
the point of a hash ID is that other implementations compute the same value.

Public API: :func:`event_hash`, :func:`pre_hash_string`, and for whole EPCIS documents
:func:`document_events`, :func:`document_ignore_fields` and :func:`document_hashes`;
:func:`digital_link` normalises one GS1 identifier URI on its own.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from txng.common.epc_uris import DL_ORIGIN, epc_to_digital_link
from txng.common.eventtime import (
    _DATETIME,
    TimeOutOfRange,
    _normalise_time,
    _usual_time,
    normalised_time,
)

__all__ = [
    "HASH_VERSION",
    "TimeOutOfRange",
    "digital_link",
    "document_events",
    "document_hashes",
    "document_ignore_fields",
    "event_hash",
    "normalised_time",
    "pre_hash_string",
]

HASH_VERSION = "CBV2.0"


GS1_VOC = "https://gs1.org/voc/"
CBV = "https://ref.gs1.org/cbv/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"

# Prefixes the standard EPCIS 2.0 JSON-LD context defines; a document may add or override.
_DEFAULT_PREFIXES = {
    "epcis": "https://ref.gs1.org/epcis/",
    "cbv": CBV,
    "cbvmda": "urn:epcglobal:cbv:mda:",
    "gs1": GS1_VOC,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": RDFS,
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
}

# ---------------------------------------------------------------------------------------------
# CBV vocabularies
# ---------------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _terms(text: str) -> frozenset[str]:
    return frozenset(_words(text))


# JSON-LD writes standard vocabulary as bare terms ("shipping"); the EPCIS context expands only
# the terms it defines, so an unknown bare value (a typo, a private code) is kept verbatim.
_CBV_TERMS = {
    "BizStep-": _terms(
        "accepting arriving assembling collecting commissioning consigning "
        "creating_class_instance cycle_counting decommissioning departing destroying "
        "disassembling dispensing encoding entering_exiting holding inspecting installing "
        "killing loading other packing picking receiving removing repackaging repairing "
        "replacing reserving retail_selling sampling sensor_reporting shipping "
        "staging_outbound stock_taking stocking storing transporting unloading unpacking "
        "void_shipping"
    ),
    "Disp-": _terms(
        "active available completeness_inferred completeness_verified conformant "
        "container_closed container_open damaged destroyed dispensed disposed encoded expired "
        "in_progress in_transit inactive mismatch_instance mismatch_class mismatch_quantity "
        "needs_replacement no_pedigree_match non_conformant non_sellable_other "
        "partially_dispensed recalled reserved retail_sold returned sellable_accessible "
        "sellable_not_accessible stolen unavailable unknown"
    ),
    "BTT-": _terms(
        "bol cert desadv inv pedigree po poc prodorder recadv rma testprd testres upevt"
    ),
    "SDT-": _terms("owning_party possessing_party location"),
    "ER-": _terms("did_not_occur incorrect_data"),
    "Comp-": _terms(
        "x y z axial_distance azimuth height spherical_radius polar_angle elevation_angle "
        "easting northing latitude longitude altitude"
    ),
}

# EPCIS 1.x wrote the same vocabulary as URNs; CBV 2.0 says hash them as their web URIs.
_CBV_URN = re.compile(r"^urn:epcglobal:cbv:(bizstep|disp|btt|sdt|er):(.+)$")
_CBV_URN_PREFIX = {
    "bizstep": "BizStep-",
    "disp": "Disp-",
    "btt": "BTT-",
    "sdt": "SDT-",
    "er": "ER-",
}

# Sensor measurement types are GS1 web vocabulary terms (gs1:Temperature ...); the list is long
# and grows, so any bare term in those fields is taken as one.
_BARE_TERM = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_GS1_VOCAB = "gs1"


# ---------------------------------------------------------------------------------------------
# Namespaces
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What rendering needs besides the event: namespace prefixes and fields to leave out."""

    prefixes: Mapping[str, str]
    ignored: frozenset[str]
    # Canonical texts already worked out under these prefixes: a document's events repeat most
    # of their values (bizStep, readPoint, classes), and a context serves a whole document.
    texts: dict[str, str] = field(default_factory=dict, compare=False, hash=False, repr=False)
    # Whole ``name=value`` parts of top-level fields, a dict per field keyed on its exact text
    # (or ``("id", text)`` for a structure holding only an id): action, bizStep, disposition,
    # readPoint ... repeat from event to event. And the plan of each set of fields (_plan).
    parts: dict[str, dict[Any, str]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )
    plans: dict[tuple[str, ...], _Plan] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def expand_key(self, key: str) -> str:
        """``prefix:local`` -> ``{namespace}local`` (the reference's Clark notation)."""
        prefix, sep, local = key.partition(":")
        if sep and prefix in self.prefixes and not local.startswith("//"):
            return "{" + self.prefixes[prefix] + "}" + local
        return key

    def expand_value(self, value: str) -> str:
        """Expand a CURIE value, but only into GS1 vocabularies.

        The reference leaves CURIEs of user namespaces in values as they are (an XML document
        cannot tell them from any other string), so doing more would break syntax agnosticism.
        """
        prefix, sep, local = value.partition(":")
        namespace = self.prefixes.get(prefix) if sep else None
        if namespace and _is_gs1_namespace(namespace) and not local.startswith("//"):
            return namespace + local
        return value

    def is_comment(self, key: str) -> bool:
        return key in ("comment", "rdfs:comment") or self.expand_key(key) == "{" + RDFS + "}comment"

    def is_ignored(self, key: str) -> bool:
        return key in self.ignored or self.expand_key(key) in self.ignored


def _is_gs1_namespace(namespace: str) -> bool:
    return namespace.startswith(("https://ref.gs1.org/", "https://gs1.org/"))


def _context_entries(context: Any) -> Iterable[Mapping[str, Any]]:
    """The inline term definitions of a JSON-LD @context (remote context URLs carry none)."""
    if isinstance(context, Mapping):
        yield context
    elif isinstance(context, list):
        for entry in context:
            yield from _context_entries(entry)


def _prefixes(*contexts: Any) -> dict[str, str]:
    prefixes = dict(_DEFAULT_PREFIXES)
    for context in contexts:
        for entry in _context_entries(context):
            for term, definition in entry.items():
                iri = definition.get("@id") if isinstance(definition, Mapping) else definition
                if isinstance(iri, str) and not term.startswith("@"):
                    prefixes[term] = iri
    return prefixes


def _make_context(event: Mapping[str, Any], context: Any, ignore_fields: Iterable[str]) -> _Context:
    """The events of a document share one context: the last one made is kept (with copies of
    what it was made from, compared by value) and serves them all, with its cache of texts."""
    global _last_context
    key = (context, event.get("@context"), tuple(ignore_fields))
    last = _last_context
    if last is not None and last[0] == key:
        return last[1]
    made = _new_context(key[1], key[0], key[2])
    _last_context = (copy.deepcopy(key), made)
    return made


_last_context: tuple[Any, _Context] | None = None


def _new_context(event_context: Any, context: Any, ignore_fields: tuple[str, ...]) -> _Context:
    prefixes = _prefixes(context, event_context)
    base = _Context(prefixes, frozenset())
    # Ignore-lists name fields as CURIEs; compare expanded so another prefix still matches.
    ignored = frozenset(ignore_fields) | {base.expand_key(name) for name in ignore_fields}
    return _Context(prefixes, ignored)


# ---------------------------------------------------------------------------------------------
# Value normalisation
# ---------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


@lru_cache(maxsize=1024)
def _is_time_key(key: str) -> bool:
    """Timestamps are recognised by field name, as the reference does (eventTime, time, ...)."""
    local = re.split(r"[:}]", key)[-1].lower()
    return "time" in local and "offset" not in local


def _format_number(number: Decimal) -> str:
    """No trailing zeros, no exponent games: 452.0 -> 452, 0.10 -> 0.1.

    The reference goes through Python floats; the shortest float repr is used whenever it is
    exact so results agree with it, and the exact decimal otherwise (long digit strings).
    """
    if number == number.to_integral_value():
        return str(int(number))
    as_float = float(number)
    if Decimal(repr(as_float)) == number:
        return repr(as_float)
    return format(number.normalize(), "f")


def _canonical(value: Any, ctx: _Context, key: str = "", vocab: str | None = None) -> str:
    """The canonical text of one scalar value (empty string for nothing to hash)."""
    if isinstance(value, str):  # nearly every value: the other types' checks come after
        text = value.strip()
    elif value is None:
        return ""
    elif isinstance(value, bool):
        return "true" if value else "false"
    elif isinstance(value, int | float):
        return _format_number(Decimal(repr(value)))
    else:
        text = str(value).strip()
    if not text:
        return ""
    if vocab:
        text = _expand_bare_term(text, vocab)
    if _is_time_key(key) and (moment := _DATETIME.match(text)):
        return _normalise_time(text, moment, key)
    return _canonical_text(text, ctx)


def _canonical_text(text: str, ctx: _Context) -> str:
    known = ctx.texts.get(text)
    if known is None:
        if len(ctx.texts) > 20_000:  # a long-lived context must not grow without end
            ctx.texts.clear()
        known = ctx.texts[text] = _work_out_text(text, ctx)
    return known


def _work_out_text(text: str, ctx: _Context) -> str:
    if text.startswith(("https://", "http://")):
        # No number, no CBV URN, and a CURIE's local part never starts with "//".
        return digital_link(text) or text
    return _general_text(text, ctx)


def _general_text(text: str, ctx: _Context) -> str:
    # XML carries numbers as text, so numeric-looking strings are normalised like numbers.
    if _NUMBER.match(text):
        return _format_number(Decimal(text))
    text = ctx.expand_value(text)
    if urn := _CBV_URN.match(text):
        return CBV + _CBV_URN_PREFIX[urn.group(1)] + urn.group(2)
    return digital_link(text) or text


def _expand_bare_term(text: str, vocab: str) -> str:
    if vocab == _GS1_VOCAB:
        return GS1_VOC + text if _BARE_TERM.match(text) else text
    return CBV + vocab + text if text in _CBV_TERMS[vocab] else text


# ---------------------------------------------------------------------------------------------
# GS1 Digital Link URIs -> constrained canonical form
# ---------------------------------------------------------------------------------------------

_SHORT_NAMES = {
    "gtin": "01", "itip": "8006", "cpid": "8010", "gln": "414", "party": "417", "gsrnp": "8017",
    "gsrn": "8018", "gcn": "255", "sscc": "00", "gdti": "253", "ginc": "401", "gsin": "402",
    "grai": "8003", "giai": "8004", "cpv": "22", "lot": "10", "ser": "21", "glnx": "254",
}  # fmt: skip

# Primary keys that may head a Digital Link path, with the syntax their value must have; a URL
# whose path merely contains "/01/" (a date, say) is no Digital Link and stays as it is.
_PRIMARY_KEYS = {
    "00": r"\d{18}",
    "01": r"\d{14}|\d{13}|\d{12}|\d{8}",
    "253": r"\d{13}[^/]{0,17}",
    "255": r"\d{13}\d{0,12}",
    "401": r"\d{4}[^/]*",
    "402": r"\d{17}",
    "414": r"\d{13}",
    "417": r"\d{13}",
    "8003": r"\d{14}[^/]{0,16}",
    "8004": r"\d{4}[^/]*",
    "8006": r"\d{18}",
    "8010": r"\d{4}[^/]*",
    "8017": r"\d{18}",
    "8018": r"\d{18}",
}
_PRIMARY_KEY_SYNTAX = {ai: re.compile(syntax) for ai, syntax in _PRIMARY_KEYS.items()}
# Only the finest level of identification is kept, e.g. a serial wins over a lot.
_QUALIFIERS = {"01": ("21", "235", "10"), "8006": ("21", "10"), "414": ("254",), "8010": ("8011",)}
_HTTP_URI = re.compile(r"^https?://[^/?#]*(/[^?#]*)")
# A GTIN with a serial in the constrained canonical form (a serial spelled like a short name,
# "lot", is read as that name's AI below, and so is left to the general path).
_CANONICAL_SERIAL = re.compile(re.escape(DL_ORIGIN) + r"/01/[0-9]{14}/21/([^/?#]+)")


@lru_cache(maxsize=8192)
def digital_link(uri: str) -> str | None:
    """The constrained canonical GS1 Digital Link URI for an EPC URI or a Digital Link URI.

    Returns None when ``uri`` identifies no GS1 key (then it is hashed as it is).
    """
    if uri.startswith("urn:epc:"):
        return epc_to_digital_link(uri)
    # Most events name serialised items already in canonical form: that is its own answer.
    canonical = _CANONICAL_SERIAL.fullmatch(uri)
    if canonical and canonical.group(1) not in _SHORT_NAMES:
        return uri
    return _general_link(uri)


def _general_link(uri: str) -> str | None:
    match = _HTTP_URI.match(uri)
    if not match:
        return None
    segments = [_SHORT_NAMES.get(s, s) for s in match.group(1).split("/")]
    for index, ai in enumerate(segments[:-1]):
        syntax = _PRIMARY_KEY_SYNTAX.get(ai)
        if syntax is not None and syntax.fullmatch(segments[index + 1]):
            return _constrained_link(ai, segments[index + 1], segments[index + 2 :])
    return None


def _constrained_link(ai: str, value: str, rest: list[str]) -> str:
    if ai == "01":
        value = value.zfill(14)
    qualifiers = dict(zip(rest[0::2], rest[1::2], strict=False))
    path = f"{DL_ORIGIN}/{ai}/{value}"
    for qualifier in _QUALIFIERS.get(ai, ()):
        if qualifiers.get(qualifier):
            return f"{path}/{qualifier}/{qualifiers[qualifier]}"
    return path


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------

Renderer = Callable[[str, Any, _Context], str]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _scalar(vocab: str | None = None) -> Renderer:
    """``name=value``; repeated (and sorted) when the field holds several values."""

    def render(name: str, value: Any, ctx: _Context) -> str:
        if not isinstance(value, list):  # the usual case, without sorting a list of one
            text = _canonical(value, ctx, name, vocab)
            return f"{name}={text}" if text else ""
        texts = (_canonical(item, ctx, name, vocab) for item in value)
        return "".join(sorted(f"{name}={text}" for text in texts if text))

    return render


def _id_list(child: str) -> Renderer:
    """A list of identifiers, e.g. ``epcList`` -> ``epcListepc=...epc=...`` sorted."""

    def render(name: str, value: Any, ctx: _Context) -> str:
        if isinstance(value, list) and len(value) == 1:  # one EPC: nothing to sort
            text = _canonical(value[0], ctx, child)
            return f"{name}{child}={text}" if text else ""
        texts = (_canonical(item, ctx, child) for item in _as_list(value))
        items = sorted(f"{child}={text}" for text in texts if text)
        return name + "".join(items) if items else ""

    return render


def _object(spec: _Spec, scalar_key: str | None = None) -> Renderer:
    """A structure rendered as its name followed by its fields (e.g. ``readPointid=...``)."""

    known = _names(spec)

    def render(name: str, value: Any, ctx: _Context) -> str:
        if not isinstance(value, Mapping):
            value = {scalar_key: value} if scalar_key else {}
        inner = _fields(value, spec, ctx, known)
        return name + inner if inner else ""

    return render


def _repeated(spec: _Spec) -> Renderer:
    """Several structures under one name, each with the name, sorted (``sensorReport``)."""

    known = _names(spec)

    def render(name: str, value: Any, ctx: _Context) -> str:
        items = (
            _fields(item, spec, ctx, known) for item in _as_list(value) if isinstance(item, Mapping)
        )
        return "".join(sorted(name + inner for inner in items if inner))

    return render


def _object_list(child: str, spec: _Spec) -> Renderer:
    """A list of structures: the list name once, then each element (prefixed by ``child``)."""

    known = _names(spec)

    def render(name: str, value: Any, ctx: _Context) -> str:
        items = (
            _fields(item, spec, ctx, known) for item in _as_list(value) if isinstance(item, Mapping)
        )
        rendered = sorted(child + inner for inner in items if inner)
        return name + "".join(rendered) if rendered else ""

    return render


_Spec = tuple[tuple[str, Renderer], ...]


def _names(spec: _Spec) -> frozenset[str]:
    return frozenset(name for name, _ in spec)


def _fields(obj: Mapping[str, Any], spec: _Spec, ctx: _Context, known: frozenset[str]) -> str:
    """Known fields in canonical order, then any user extensions sorted (CBV rule 21)."""
    ordered = "".join(render(name, obj[name], ctx) for name, render in spec if name in obj)
    if obj.keys() <= known:  # the usual case: no extension to look for
        return ordered
    extras = [
        text
        for key, value in obj.items()
        if key not in known and not _skip(key, ctx)
        for text in _extension(key, value, ctx)
    ]
    return ordered + "".join(sorted(extras))


def _skip(key: str, ctx: _Context) -> bool:
    # JSON-LD keywords are syntax, and comments are annotations the reference never hashes.
    return key.startswith("@") or ctx.is_comment(key)


def _extension(key: str, value: Any, ctx: _Context) -> list[str]:
    """A user extension (or ILMD) field: ``{namespace}local=value``, nested fields sorted.

    Returns one string per value so that list members sort among their siblings.
    """
    name = ctx.expand_key(key)
    out: list[str] = []
    for item in _as_list(value):
        if isinstance(item, list):
            out.extend(_extension(key, item, ctx))
        elif isinstance(item, Mapping):
            out.append(name + _extension_object(item, ctx))
        elif item is not None:
            text = _canonical(item, ctx, key)
            out.append(f"{name}={text}" if text else name)
    return out


def _extension_object(obj: Mapping[str, Any], ctx: _Context) -> str:
    # An element with both text and children (XML mixed content) arrives as #text / @value.
    text = next((obj[k] for k in ("#text", "@value", "@id") if k in obj), None)
    head = f"={_canonical(text, ctx)}" if text not in (None, "") else ""
    children = [
        part
        for key, value in obj.items()
        if key != "#text" and not _skip(key, ctx)
        for part in _extension(key, value, ctx)
    ]
    return head + "".join(sorted(children))


# -- the canonical property order ------------------------------------------------------------


def _plain(names: str) -> _Spec:
    """Fields holding plain values, in the given order."""
    return tuple((name, _scalar()) for name in _words(names))


_QUANTITY = _plain("epcClass quantity uom")
_LOCATION = _plain("id")
_SENSOR_METADATA = _plain(
    "time startTime endTime deviceID deviceMetadata rawData dataProcessingMethod bizRules"
)
_SENSOR_REPORT: _Spec = (
    ("type", _scalar(_GS1_VOCAB)),
    ("exception", _scalar(_GS1_VOCAB)),
    *_plain("deviceID deviceMetadata rawData dataProcessingMethod time"),
    *_plain("microorganism chemicalSubstance value"),
    ("component", _scalar("Comp-")),
    *_plain(
        "stringValue booleanValue hexBinaryValue uriValue minValue maxValue meanValue sDev "
        "percRank percValue uom coordinateReferenceSystem"
    ),
)
_SENSOR_ELEMENT: _Spec = (
    ("sensorMetadata", _object(_SENSOR_METADATA)),
    ("sensorReport", _repeated(_SENSOR_REPORT)),
)


def _party_list(vocab: str, child: str) -> Renderer:
    # The vectors put the type first ("type=...BTT-po" + "bizTransaction=..."), although the
    # prose of the algorithm (rule 13) says the type follows; the vectors decide.
    return _object_list("", (("type", _scalar(vocab)), (child, _scalar())))


# Fields rendered in this fixed order right after eventType. parentID precedes epcList, and
# certificationInfo is included, as in the reference version that produced the vectors.
_EVENT_ORDER: _Spec = (
    ("eventTime", _scalar()),
    ("eventTimeZoneOffset", _scalar()),
    ("certificationInfo", _scalar()),
    ("parentID", _scalar()),
    ("epcList", _id_list("epc")),
    ("inputEPCList", _id_list("epc")),
    ("childEPCs", _id_list("epc")),
    ("quantityList", _object_list("quantityElement", _QUANTITY)),
    ("childQuantityList", _object_list("quantityElement", _QUANTITY)),
    ("inputQuantityList", _object_list("quantityElement", _QUANTITY)),
    ("outputEPCList", _id_list("epc")),
    ("outputQuantityList", _object_list("quantityElement", _QUANTITY)),
    ("action", _scalar()),
    ("transformationID", _scalar()),
    ("bizStep", _scalar("BizStep-")),
    ("disposition", _scalar("Disp-")),
    ("persistentDisposition", _object((("set", _scalar("Disp-")), ("unset", _scalar("Disp-"))))),
    ("readPoint", _object(_LOCATION, scalar_key="id")),
    ("bizLocation", _object(_LOCATION, scalar_key="id")),
    ("sensorElementList", _object_list("sensorElement", _SENSOR_ELEMENT)),
)

# The reference renders these after the ordered fields, sorted together with ILMD and the user
# extensions (its property order never matches them), which is why the vectors show
# destinationList before sourceList. Their content is still rendered canonically.
_TAIL_FIELDS: dict[str, Renderer] = {
    "bizTransactionList": _party_list("BTT-", "bizTransaction"),
    "sourceList": _party_list("SDT-", "source"),
    "destinationList": _party_list("SDT-", "destination"),
}

# Not part of the hash: identity and capture bookkeeping (an eventID may itself be the hash),
# and the error declaration, which is added to an event after the fact.
_NOT_HASHED = frozenset({"type", "eventID", "recordTime", "errorDeclaration"})


_ORDERED = frozenset(name for name, _ in _EVENT_ORDER)
_NOT_IN_TAIL = _ORDERED | _NOT_HASHED | {"@context"}


def _tail(event: Mapping[str, Any], ctx: _Context) -> list[str]:
    parts: list[str] = []
    for key, value in event.items():
        if key in _NOT_IN_TAIL or _skip(key, ctx) or ctx.is_ignored(key):
            continue
        if key in _TAIL_FIELDS:
            parts.append(_TAIL_FIELDS[key](key, value, ctx))
        else:
            parts.extend(_extension(key, value, ctx))
    return sorted(part for part in parts if part)


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def pre_hash_string(
    event: Mapping[str, Any],
    context: list[Any] | Mapping[str, Any] | str | None = None,
    *,
    ignore_fields: Iterable[str] = (),
) -> str:
    """The canonical pre-hash string of one EPCIS 2.0 JSON-LD event.

    ``context`` is the enclosing document's ``@context``, which defines the prefixes of user
    extensions (an ``@context`` on the event itself is honoured too). ``ignore_fields`` names
    top-level fields to leave out (as CURIEs or ``{namespace}local``), e.g. a repository's own
    annotations declared in a document's ``ignoreFields``.
    """
    if type(event) is not dict and not isinstance(event, Mapping):  # ABCs check slowly
        raise TypeError("an EPCIS event must be a JSON object")
    ctx = _make_context(event, context, tuple(ignore_fields))
    names = tuple(event)
    plan = ctx.plans.get(names)
    if plan is None:
        if len(ctx.plans) > 256:  # ever new sets of fields must not grow it without end
            ctx.plans.clear()
        plan = ctx.plans[names] = _plan(names, ctx)
    ordered, has_tail = plan
    parts = ["eventType=" + str(event.get("type", "")).strip()]
    for name, render, kind, known in ordered:
        value = event[name]
        kind_of_value = type(value)
        if kind is _REPEATS:
            # A text, or a structure holding only an id text (readPoint), is worked out once
            # per context: exact types only, as 1, 1.0 and True are one key to a dict.
            if kind_of_value is str:
                key: Any = value
            elif (
                kind_of_value is dict and len(value) == 1 and type(ident := value.get("id")) is str
            ):
                key = ("id", ident)
            else:
                parts.append(render(name, value, ctx))
                continue
            part = known.get(key)
            if part is None:
                if len(known) > _PARTS_KEPT:  # a long-lived context must not grow without end
                    known.clear()
                part = known[key] = render(name, value, ctx)
            parts.append(part)
        elif (
            kind is _IDENTIFIERS
            and kind_of_value is list
            and len(value) == 1
            and type(first := value[0]) is str
        ):
            parts.append(_one_identifier(name, first, ctx))
        elif kind is _TIME and kind_of_value is str:
            parts.append(_time_part(name, value, ctx, render))
        else:
            parts.append(render(name, value, ctx))
    if has_tail:
        parts += _tail(event, ctx)
    return "".join(parts)


def _general_pre_hash_string(
    event: Mapping[str, Any], context: Any = None, *, ignore_fields: Iterable[str] = ()
) -> str:
    """The pre-hash string worked out field by field, without pre_hash_string's shortcuts:
    what the tests hold those shortcuts to."""
    ctx = _new_context(event.get("@context"), context, tuple(ignore_fields))
    head = "eventType=" + str(event.get("type", "")).strip()
    body = "".join(render(name, event[name], ctx) for name, render in _EVENT_ORDER if name in event)
    return head + body + "".join(_tail(event, ctx))


# How pre_hash_string takes a field: its value mostly repeats (a vocabulary term, a location),
# it is a list of identifiers (mostly one, new in each event), it is the event's time, or it
# is new in each event (an aggregation's parent), so that keeping its part would only cost.
_REPEATS, _IDENTIFIERS, _TIME, _OTHER = "repeats", "identifiers", "time", "other"
_PARTS_KEPT = 20_000
_ID_LISTS = frozenset({"epcList", "inputEPCList", "childEPCs", "outputEPCList"})
_Plan = tuple[tuple[tuple[str, Renderer, str, dict[Any, str]], ...], bool]


def _plan(names: tuple[str, ...], ctx: _Context) -> _Plan:
    """The ordered fields an event with these fields has, each with how it is taken and the
    parts kept for it, and whether the event may have fields to sort after them: a document's
    events mostly share their fields, so this is worked out once for them all."""
    present = frozenset(names)
    ordered = tuple(
        (name, render, _kind(name), ctx.parts.setdefault(name, {}))
        for name, render in _EVENT_ORDER
        if name in present
    )
    return ordered, not present <= _NOT_IN_TAIL


def _kind(name: str) -> str:
    if name in _ID_LISTS:
        return _IDENTIFIERS
    if name == "eventTime":  # new in nearly every event: nothing to keep
        return _TIME
    return _OTHER if name == "parentID" else _REPEATS


def _one_identifier(name: str, value: str, ctx: _Context) -> str:
    """What _id_list's renderer makes of a list of one text, without its general steps."""
    text = value.strip()
    canonical = _canonical_text(text, ctx) if text else ""
    return f"{name}epc={canonical}" if canonical else ""


def _time_part(name: str, value: str, ctx: _Context, render: Renderer) -> str:
    """What `render` (the field's _scalar renderer) makes of a time field's text: the usual form
    without its general steps, any other text by the renderer itself."""
    usual = _usual_time(value.strip())
    return f"{name}={usual}" if usual is not None else render(name, value, ctx)


def event_hash(
    event: Mapping[str, Any],
    context: list[Any] | Mapping[str, Any] | str | None = None,
    *,
    ignore_fields: Iterable[str] = (),
) -> str:
    """The EPCIS event hash ID: ``ni:///sha-256;<hex>?ver=CBV2.0``."""
    digest = hashlib.sha256(pre_hash_string(event, context, ignore_fields=ignore_fields).encode())
    return f"ni:///sha-256;{digest.hexdigest()}?ver={HASH_VERSION}"


def document_events(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The events of an EPCISDocument or EPCISQueryDocument, in document order."""
    body = document.get("epcisBody", {})
    if "eventList" in body:
        return list(body["eventList"])
    if "queryResults" in body:
        return list(body["queryResults"].get("resultsBody", {}).get("eventList", []))
    return [body["event"]] if "event" in body else []


def document_ignore_fields(document: Mapping[str, Any]) -> list[str]:
    """Fields a document declares as not hashed (``<prefix>:ignoreFields`` lists)."""
    body = document.get("epcisBody", {})
    holders = (document, body, body.get("queryResults", {}))
    return [
        name
        for holder in holders
        for key, names in holder.items()
        if re.split(r"[:}]", key)[-1] == "ignoreFields"
        for name in _as_list(names)
    ]


def document_hashes(document: Mapping[str, Any]) -> list[str]:
    """The hash ID of every event of an EPCIS JSON-LD document, in document order."""
    context = document.get("@context")
    ignored = document_ignore_fields(document)
    return [event_hash(e, context, ignore_fields=ignored) for e in document_events(document)]
