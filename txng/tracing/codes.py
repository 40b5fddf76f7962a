"""Trace codes (TCVN 13274:2020): GS1 element strings when a GTIN exists, internal codes otherwise.

Internal codes are `VN.<province code>.<random>.<lot>` (VN.CB.K7Q2M9XPAB.HD-01): the province's
letters keep two provinces' codes apart and the random part names no database row. Only
characters that survive a URL path and a QR code unchanged, so the public trace URL is just
`/api/v1/trace/<code>`. Codes issued before (VN.<business id>.<product id>.<lot>) are printed on
labels and stay as they are.

In EPCIS events every identifier is one valid anywhere: GS1 Digital Link URIs for what has a
GS1 key (GTIN, GLN, PGLN, SSCC), otherwise an https URI on the province's own domain
(`https://<domain>/id/...`), which the resolver answers.
"""

import re
from urllib.parse import quote, urlsplit

from biip.gtin import Gtin

from txng.accounts import provinces
from txng.common import dl_compression
from txng.common.codes import random_code


def id_base():
    """https://<the province's domain>/id: the province's own, whatever host serves the demo."""
    return f"https://{provinces.current().domain}/id"


def gtin14(gtin):
    return Gtin.parse(gtin).as_gtin_14()


def product_trace_code(product, lot_code, business_id=None):
    """The code of a new lot. A GTIN product's lot carries the GS1 code printed on its label,
    whoever holds it (a shop's lot of a producer's goods carries the producer's code: the
    receipt passes it on, see confirm_receipt); without a GTIN, an internal code."""
    if product.gtin:
        return f"(01){gtin14(product.gtin)}(10){lot_code}"
    return f"VN.{provinces.current().code}.{random_code(10)}.{lot_code}"


GS1_TRACE_CODE = re.compile(r"\(01\)(\d{14})\(10\)(.+)")


def normalise_trace_code(code):
    """Accept `(01)…(10)…`, `01…10…` and the Digital Link path `01/…/10/…` for GS1 codes, also
    as a whole Digital Link URI, compressed or not (`https://…/ARBAe32YriDWCOH9tpt19ro`)."""
    code = code.strip()
    if code.startswith(("http://", "https://")):
        code = urlsplit(code).path.strip("/")
    if compressed := _compressed_lot(code):
        return compressed
    match = re.fullmatch(r"\(?01\)?/?(\d{14})/?\(?10\)?/?([A-Za-z0-9._-]{1,20})", code)
    if match:
        return f"(01){match[1]}(10){match[2]}"
    return code


def _compressed_lot(path):
    """`(01)…(10)…` of a compressed Digital Link path naming a lot, else None."""
    segments = path.strip("/").split("/")
    if not (len(segments) == 1 or (len(segments) == 3 and segments[0] == "01")):
        return None
    try:
        pairs = dict(dl_compression.decompress(segments[-1])[0])
    except dl_compression.CompressionError:
        return None
    if len(segments) == 3:
        pairs["01"] = segments[1]
    if "01" in pairs and "10" in pairs:
        return f"(01){pairs['01']}(10){pairs['10']}"
    return None


def location_code(facility, business=None):
    """The location trace code of a facility: its GLN with its AI, `(414)893…`, or an internal
    code. Without a facility, the registered address of `business` (when given) is the place."""
    if facility is None:
        return f"VN.{provinces.current().code}.L.B{business.pk}" if business is not None else ""
    if facility.gln:
        return f"(414){facility.gln}"
    return f"VN.{provinces.current().code}.L.{facility.pk}"


def location_uri(facility):
    if facility is None:
        return ""
    if facility.gln:
        return f"https://id.gs1.org/414/{facility.gln}"
    return f"{id_base()}/loc/{facility.pk}"


def lot_class_uri(lot):
    """The EPCIS epcClass of a lot: a GS1 Digital Link URI, or the province's https URI."""
    if lot.product.gtin:
        # The label's lot number, which a receiver's lot keeps in its trace code even when its
        # own lot code had to differ (a second receipt of the same lot is HD-01-2).
        printed = GS1_TRACE_CODE.fullmatch(lot.trace_code or "")
        number = printed[2] if printed else lot.code
        return f"https://id.gs1.org/01/{gtin14(lot.product.gtin)}/10/{quote(number, safe='')}"
    return f"{id_base()}/lot/{quote(lot.trace_code, safe='')}"


def normalise_sscc(text):
    """The 18 digits of an SSCC as typed or as a scanner reads the label: `(00)3893…`,
    `003893…` (the application identifier in front) or spaced groups."""
    digits = re.sub(r"[\s()]", "", text or "")
    if len(digits) == 20 and digits.startswith("00"):
        digits = digits[2:]
    return digits


def sscc_uri(sscc):
    """A logistic unit (carton, pallet) in EPCIS: the GS1 Digital Link URI of its SSCC."""
    return f"https://id.gs1.org/00/{sscc}"


def party_uri(org):
    """A party in EPCIS (source, destination): its PGLN when it has a GLN, else its opaque ref."""
    if org.gln:
        return f"https://id.gs1.org/417/{org.gln}"
    return f"{id_base()}/party/{org.ref}"


def offline_party_uri(ref):
    """A receiver outside the system. Its name stays in the shipment (a mutable row people may
    correct or erase), never in the event: the event names it by this opaque ref only."""
    return f"{id_base()}/party/x.{ref}"


def biz_transaction_uri(business, kind, number):
    """A business document (invoice, despatch advice) in CBV 2.0's form: urn:epcglobal:cbv:bt:
    <GLN>:<number> when the issuing business has a GLN, else an https URI under its ref."""
    if business.gln:
        return f"urn:epcglobal:cbv:bt:{business.gln}:{quote(number, safe='')}"
    return f"{id_base()}/bt/{business.ref}/{kind}/{quote(number, safe='')}"
