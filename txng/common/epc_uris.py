"""EPC URIs (urn:epc:id:…, urn:epc:class:…, urn:epc:idpat:…) written as GS1 Digital Link
URIs, the form EPCIS 2.0's event hash works on (moved out of eventhash.py as they stand)."""

from __future__ import annotations

import re
from dataclasses import dataclass

DL_ORIGIN = "https://id.gs1.org"


@dataclass(frozen=True)
class _Scheme:
    """How one EPC URN scheme maps onto a GS1 key.

    ``digits`` is the length of company prefix + numeric reference (the key without check
    digit); the URN encodes where the company prefix ends, so no prefix table is needed.
    """

    ai: str
    digits: int | None  # None: alphanumeric key without check digit (GIAI, GINC, CPI)
    parts: int  # dot-separated fields after the scheme name
    lead: bool = False  # first reference digit is an indicator/extension digit, moved in front
    pad: str = ""  # GRAI's AI 8003 value starts with a zero the URN omits
    qualifier: str | None = None  # AI of the last field; "" appends it to the key
    default: str | None = None  # qualifier value meaning "no qualifier" (SGLN extension 0)


_GTIN = {"digits": 13, "lead": True}
_SCHEMES: dict[tuple[str, str], _Scheme] = {
    ("id", "sgtin"): _Scheme("01", parts=3, qualifier="21", **_GTIN),
    ("id", "upui"): _Scheme("01", parts=3, qualifier="235", **_GTIN),
    ("class", "lgtin"): _Scheme("01", parts=3, qualifier="10", **_GTIN),
    ("id", "itip"): _Scheme("8006", parts=5, qualifier="21", **_GTIN),
    ("id", "sscc"): _Scheme("00", digits=17, parts=2, lead=True),
    ("id", "sgln"): _Scheme("414", digits=12, parts=3, qualifier="254", default="0"),
    ("id", "pgln"): _Scheme("417", digits=12, parts=2),
    ("id", "gsrn"): _Scheme("8018", digits=17, parts=2),
    ("id", "gsrnp"): _Scheme("8017", digits=17, parts=2),
    ("id", "gsin"): _Scheme("402", digits=16, parts=2),
    ("id", "grai"): _Scheme("8003", digits=12, parts=3, pad="0", qualifier=""),
    ("id", "gdti"): _Scheme("253", digits=12, parts=3, qualifier=""),
    ("id", "sgcn"): _Scheme("255", digits=12, parts=3, qualifier=""),
    ("id", "giai"): _Scheme("8004", digits=None, parts=2),
    ("id", "ginc"): _Scheme("401", digits=None, parts=2),
    ("id", "cpi"): _Scheme("8010", digits=None, parts=3, qualifier="8011"),
}
_EPC_URN = re.compile(r"^urn:epc:(id|class|idpat):([a-z]+):(.+)$")
_COMPANY_PREFIX = re.compile(r"^\d{6,12}$")

# GS1 Digital Link (table 7-1) wants these percent-encoded; EPC URNs may carry them literally.
_DL_ESCAPES = str.maketrans({c: f"%{ord(c):02X}" for c in "!()*+,:"})


def _check_digit(digits: str) -> str:
    """GS1 mod-10 check digit (weights 3,1,3,... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str(-total % 10)


def epc_to_digital_link(uri: str) -> str | None:
    match = _EPC_URN.match(uri)
    if not match:
        return None
    kind, name, body = match.groups()
    pattern = kind == "idpat"
    scheme = _SCHEMES.get(("id" if pattern else kind, name))
    if scheme is None:
        return None
    fields = body.split(".", scheme.parts - 1)
    if len(fields) != scheme.parts:
        return None
    if pattern:
        return _pattern_to_digital_link(scheme, fields)
    return _fields_to_digital_link(scheme, fields)


def _pattern_to_digital_link(scheme: _Scheme, fields: list[str]) -> str | None:
    """An EPC pattern naming one class (``CP.ref.*``) is that class's key without serial."""
    if scheme.parts < 3 or fields[-1] != "*" or "*" in fields[:-1]:
        return None
    fields = fields[:-1]
    key = _key(scheme, fields[0], fields[1])
    if key is None:
        return None
    return f"{DL_ORIGIN}/{scheme.ai}/{key}{''.join(fields[2:])}"


def _fields_to_digital_link(scheme: _Scheme, fields: list[str]) -> str | None:
    key = _key(scheme, fields[0], fields[1])
    if key is None:
        return None
    path = f"{DL_ORIGIN}/{scheme.ai}/{key}"
    extra = fields[2:]
    if scheme.ai == "8006":
        if not all(re.fullmatch(r"\d{2}", f) for f in extra[:2]):
            return None
        path += extra[0] + extra[1]  # ITIP: piece and total follow the GTIN in AI 8006
        extra = extra[2:]
    if not extra:
        return path
    last = extra[0].translate(_DL_ESCAPES)
    if scheme.qualifier == "":
        return path + last
    if last == scheme.default:
        return path
    return f"{path}/{scheme.qualifier}/{last}"


def _key(scheme: _Scheme, company: str, reference: str) -> str | None:
    """The GS1 key from the URN's company prefix and reference fields."""
    if not _COMPANY_PREFIX.match(company):
        return None
    if scheme.digits is None:
        if not reference or (scheme.ai == "8010" and not re.fullmatch(r"[0-9A-Z%-]+", reference)):
            return None
        return company + reference.translate(_DL_ESCAPES)
    if len(company) + len(reference) != scheme.digits or (reference and not reference.isdigit()):
        return None
    if scheme.lead:
        digits = reference[:1] + company + reference[1:]
    else:
        digits = scheme.pad + company + reference
    return digits + _check_digit(digits)
