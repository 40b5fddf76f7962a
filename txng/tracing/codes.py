"""Trace codes (TCVN 13274:2020): GS1 element strings when a GTIN exists, internal codes otherwise.

Internal codes are `VN.<business id>.<product id>.<lot>`: only characters that survive a URL path
and a QR code unchanged, so the public trace URL is just `/api/v1/trace/<code>`.
"""

import re

from biip.gtin import Gtin

INTERNAL_LOC = "urn:txng:loc:"
INTERNAL_LOT = "urn:txng:lot:"


def gtin14(gtin):
    return Gtin.parse(gtin).as_gtin_14()


def product_trace_code(product, lot_code, business_id=None):
    business_id = business_id or product.business_id
    # Goods received from another business keep the producer's GS1 code on their label, so the
    # receiver's lot gets an internal code and links back to the producer's lot.
    if product.gtin and business_id == product.business_id:
        return f"(01){gtin14(product.gtin)}(10){lot_code}"
    return f"VN.{business_id}.{product.pk}.{lot_code}"


def normalise_trace_code(code):
    """Accept `(01)…(10)…`, `01…10…` and the Digital Link path `01/…/10/…` for GS1 codes."""
    code = code.strip()
    match = re.fullmatch(r"\(?01\)?/?(\d{14})/?\(?10\)?/?([A-Za-z0-9._-]{1,20})", code)
    if match:
        return f"(01){match[1]}(10){match[2]}"
    return code


def location_code(facility, business=None):
    """The location trace code of a facility: its GLN, or an internal code. Without a facility,
    the registered address of `business` (when given) is the place: `VN.L.B<business id>`."""
    if facility is None:
        return f"VN.L.B{business.pk}" if business is not None else ""
    return facility.gln or f"VN.L.{facility.pk}"


def location_uri(facility):
    if facility is None:
        return ""
    if facility.gln:
        return f"https://id.gs1.org/414/{facility.gln}"
    return f"{INTERNAL_LOC}{facility.pk}"


def lot_class_uri(lot):
    """The EPCIS epcClass of a lot: a GS1 Digital Link URI, or an internal URN."""
    if lot.product.gtin:
        return f"https://id.gs1.org/01/{gtin14(lot.product.gtin)}/10/{lot.code}"
    return f"{INTERNAL_LOT}{lot.trace_code}"


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
    return f"urn:txng:party:{org.pk}"
