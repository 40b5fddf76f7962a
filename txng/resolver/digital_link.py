"""Reading a GS1 Digital Link URI's path (GS1 Digital Link 1.2, TCVN 13275) with biip.

biip checks the AIs, their order and their character sets; it reports a wrong check digit on
the element string instead of refusing it, so the check digits are refused here. Every refusal
names the part of the URI at fault, in Vietnamese, for the 400 answer.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from biip import ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from django.utils.translation import gettext as _
from stdnum import ean

from txng.common.dl_compression import COMPRESSED, CompressionError, decompress

# The primary keys this resolver answers for, and how many digits each may have in the path.
# A GTIN may be written with 8, 12, 13 or 14 digits; it is zero-padded to 14 (GS1 DL 1.2 §4.2).
PRIMARY_KEYS = {"01": (8, 12, 13, 14), "00": (18,), "414": (13,), "417": (13,)}
KEY_NAMES = {"01": "GTIN", "00": "SSCC", "414": "GLN", "417": "PGLN"}
# The key qualifiers of each primary key, in the order a Digital Link path writes them.
QUALIFIERS = {"01": ("22", "10", "21", "235"), "00": (), "414": ("254",), "417": ()}
CANONICAL_HOST = "https://id.gs1.org"


# A stamp's URI as the stamps app prints it (GTIN-14, optional lot, serial; GS1's character set
# 82 for both, as AI 10 and 21 define it). It is read without biip, which costs about a
# millisecond a URI, on the busiest page; anything else goes through biip.
# GS1's AI 82 characters, "/" left out (%-. and 0-?): a slash inside a value comes percent-encoded,
# so one here starts the next AI, which the full parse below checks (order, known AIs).
_STAMP = re.compile(r'01/(\d{14})(?:/10/([!%-.0-?A-Z_a-z"]{1,20}))?/21/([!%-.0-?A-Z_a-z"]{1,20})/?')


class DigitalLinkError(ValueError):
    """The URI is not a valid GS1 Digital Link URI: a 400 answer, with this message."""


@dataclass(frozen=True)
class DigitalLink:
    key: str  # the primary key's AI: "01", "00", "414" or "417"
    value: str  # its value, a GTIN zero-padded to 14 digits
    qualifiers: tuple = ()  # ((ai, value), ...) in the standard's order
    attributes: dict = field(default_factory=dict)  # data attributes of the query string

    @property
    def path(self):
        parts = [self.key, self.value]
        for ai, value in self.qualifiers:
            parts += [ai, quote(value, safe="")]
        return "/" + "/".join(parts)

    @property
    def canonical_uri(self):
        """The URI on GS1's own domain, the same identifier wherever it is resolved."""
        return CANONICAL_HOST + self.path

    def qualifier(self, ai):
        return dict(self.qualifiers).get(ai)

    def levels(self):
        """This identifier and each coarser one up to the primary key: /01/g/10/l/21/s, then
        /01/g/10/l, then /01/g (the walk-up of GS1-Conformant Resolver 1.1 §6.4)."""
        return [
            DigitalLink(self.key, self.value, self.qualifiers[:n])
            for n in range(len(self.qualifiers), -1, -1)
        ]


def parse(path, query=""):
    """`path` as Django matched it (decoded, no leading slash), `query` the raw query string."""
    if not query and (stamp := _STAMP.fullmatch(path)) and ean.is_valid(stamp[1]):
        lot = (("10", stamp[2]),) if stamp[2] is not None else ()
        return DigitalLink("01", stamp[1], (*lot, ("21", stamp[3])))
    return _parse_segments(path.strip("/").split("/"), query)


def _parse_segments(segments, query):
    if not segments or segments[0] not in PRIMARY_KEYS or len(segments) < 2:
        raise DigitalLinkError(_("Đường dẫn không bắt đầu bằng một mã khoá GS1 được hỗ trợ."))
    key, value = segments[0], segments[1]
    name = KEY_NAMES[key]
    if not value.isdigit() or len(value) not in PRIMARY_KEYS[key]:
        lengths = ", ".join(str(n) for n in PRIMARY_KEYS[key])
        raise DigitalLinkError(
            _("Mã %(name)s “%(value)s” phải gồm %(lengths)s chữ số.")
            % {"name": name, "value": value[:40], "lengths": lengths}
        )
    if len(segments) % 2:
        raise DigitalLinkError(
            _("Đường dẫn thiếu giá trị sau mã AI “%(ai)s”.") % {"ai": segments[-1][:10]}
        )
    encoded = "/".join(quote(s, safe="") for s in segments)
    uri = f"{CANONICAL_HOST}/{encoded}" + (f"?{query}" if query else "")
    try:
        parsed = GS1DigitalLinkURI.parse(uri)
    except ParseError as exc:
        raise DigitalLinkError(
            _("Đường dẫn GS1 Digital Link không đúng cú pháp: %(detail)s") % {"detail": exc}
        ) from exc
    strings = list(parsed.element_strings)
    for element in strings:
        problem = element.gtin_error or element.gln_error or element.sscc_error
        if problem:
            raise DigitalLinkError(
                _("Mã %(ai)s “%(value)s” sai số kiểm tra (chữ số cuối).")
                % {"ai": f"({element.ai.ai})", "value": element.value}
            )
    path_count = len(segments) // 2
    primary, qualifiers, attributes = strings[0], strings[1:path_count], strings[path_count:]
    return DigitalLink(
        key=key,
        value=primary.value,
        qualifiers=tuple((e.ai.ai, e.value) for e in qualifiers),
        attributes={e.ai.ai: e.value for e in attributes},
    )


def is_compressed(path):
    """A fully compressed path (`AQnYUc1gmiCNV4JG`) or a partially compressed one, the primary
    key written out and the rest compressed (`01/05412345000013/CNV4JG`)."""
    segments = path.strip("/").split("/")
    if len(segments) == 1:
        return bool(COMPRESSED.fullmatch(segments[0]))
    return (
        len(segments) == 3
        and segments[0] in PRIMARY_KEYS
        and bool(COMPRESSED.fullmatch(segments[2]))
    )


def parse_compressed(path, query=""):
    """The DigitalLink of a compressed path (GS1 Digital Link URI Syntax 1.2, compression):
    decompressed, written out as the uncompressed path and query, and read by `parse` like any
    other, so the same checks (check digits, order, supported keys) apply."""
    segments = path.strip("/").split("/")
    try:
        pairs, other = decompress(segments[-1])
    except CompressionError as exc:
        raise DigitalLinkError(
            _("Đường dẫn GS1 Digital Link nén không đọc được: %(detail)s") % {"detail": exc}
        ) from exc
    if len(segments) == 3:
        pairs = [(segments[0], segments[1]), *pairs]
    values = dict(pairs)
    keys = [ai for ai in values if ai in PRIMARY_KEYS]
    if len(keys) != 1:
        raise DigitalLinkError(_("Đường dẫn không bắt đầu bằng một mã khoá GS1 được hỗ trợ."))
    key = keys[0]
    parts = [key, values.pop(key)]
    for ai in QUALIFIERS[key]:
        if ai in values:
            parts += [ai, values.pop(ai)]
    attributes = urlencode(list(values.items()) + list(other.items()))
    return _parse_segments(parts, "&".join(filter(None, [attributes, query])))
