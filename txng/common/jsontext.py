"""JSON text written by orjson (in C: about a tenth of the standard library's time on an EPCIS
event, bench/epcis.py), with the standard library for the values orjson refuses and JSON allows:
integers beyond 64 bits, which a client's extension may hold and which must be kept exactly.

Only writing: orjson reads such an integer as a float (its digits lost), so text is read with
the standard library's json.loads everywhere. Values are JSON's: orjson writes a float that is
not finite as null, so readers refuse such numbers first (EPCIS capture does).
"""

import json

import orjson

# Dates and dataclasses are refused, as json.dumps refuses them, not written in orjson's way.
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def dumps(value):
    """`value` as compact JSON text (a str)."""
    try:
        return orjson.dumps(value, option=_OPTIONS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
