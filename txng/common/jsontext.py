"""JSON text written by orjson (in C: about a tenth of the standard library's time on an EPCIS
event, bench/epcis.py), with the standard library for the values orjson refuses and JSON allows:
integers beyond 64 bits, which a client's extension may hold and which must be kept exactly.

Only writing: orjson reads such an integer as a float (its digits lost), so text is read with
the standard library's json.loads everywhere. Values are JSON's: orjson writes a float that is
not finite as null, so readers refuse such numbers first (EPCIS capture does).
"""

import json

import orjson


def dumps(value):
    """`value` as compact JSON text (a str)."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, separators=(",", ":"))
