"""Compressed GS1 Digital Link URIs (GS1 Digital Link: URI Syntax 1.2, "Compression"), read and
written here because biip (5.2) does not, and the one package on PyPI that does (gs1-compression
0.1.3) reads a variable-length numeric value as binary digits (AI 8011 "6639047221" comes out as
"110001011101101111101001000110101"), fails on AIs newer than 2019 such as (235), and installs a
top-level `tests` package.

The compressed path is base64url (RFC 4648 §5, no padding) of a bit string. The bit string is a
run of AIs, each either four bits per AI digit followed by its value, or one byte from the
standard's optimisation table standing for a fixed sequence of AIs, each followed by its value;
a byte whose first nibble is F starts a non-GS1 key=value pair. A value is encoded component by
component, as the AI's format says: a fixed-length number in the fewest bits that hold all its
digits; a variable-length number with its digit count first; an alphanumeric value with a 3-bit
encoding (digits, lower-case hex, upper-case hex, base64url, 7-bit ASCII), its length when
variable, and its characters.

AI formats and lengths come from biip's table of AIs, so they follow GS1's current list. Where
the length of a value is in the bit string (a digit count), leading zeros are kept: GS1's
prototype drops them ("0012" would come back as "12"), which loses data the length tells.

This module only turns bits into (AI, value) pairs and back; whether the result is a valid
Digital Link (check digits, order of qualifiers, supported keys) is for the caller to check.
"""

import math
import re

from biip.gs1_application_identifiers import _GS1_APPLICATION_IDENTIFIERS as _AIS

SAFE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
HEX = "0123456789ABCDEF"
# A compressed path segment: base64url only, and long enough to hold one AI with a value.
COMPRESSED = re.compile(r"[A-Za-z0-9_-]{6,}")

# The standard's optimisation codes: one byte for a sequence of AIs that often come together.
OPTIMISATIONS = {
    "0A": ("01", "22"),
    "0B": ("01", "10"),
    "0C": ("01", "21"),
    "0D": ("01", "17"),
    "0E": ("01", "7003"),
    "0F": ("01", "30"),
    "1A": ("01", "10", "21", "17"),
    "1B": ("01", "15"),
    "1C": ("01", "11"),
    "1D": ("01", "16"),
    "1E": ("01", "91"),
    "1F": ("01", "10", "15"),
    **{f"2{'ABCDEF'[i]}": ("01", f"310{i}") for i in range(6)},
    **{f"3{'ABCDEF'[i]}": ("01", f"320{i}") for i in range(6)},
    "9A": ("8010", "8011"),
    "9B": ("8017", "8019"),
    "9C": ("8018", "8019"),
    "9D": ("414", "254"),
    **{f"A{i}": ("01", f"392{i}") for i in range(10)},
    **{f"C{i}": ("255", f"390{i}") for i in range(10)},
    **{f"C{'ABCD'[i]}": ("255", f"394{i}") for i in range(4)},
}

# How many digits an AI has, by its first two (GS1 General Specifications' table of prefixes).
AI_LENGTH = {ai[:2]: len(ai) for ai in _AIS}


class CompressionError(ValueError):
    """The segment is not a compressed GS1 Digital Link."""


def _components(ai):
    """[(kind, fixed_length, max_length)] of the AI's value, kind "N" or "X" (any character set
    other than digits), from biip's format ("N2+N14", "N4+N14[+X..16]", "N4+N6[+N6]"). An optional
    part is variable-length, as GS1's table of formats has it (7007 is N6 then N..6)."""
    spec = _AIS.get(ai)
    if spec is None:
        raise CompressionError(f"AI ({ai}) is not a GS1 Application Identifier")
    parts = []
    for raw in spec.format.split("+")[1:]:
        optional = "[" in raw
        text = raw.strip("[]")
        match = re.fullmatch(r"([NXYZ])(\d*)(?:\.\.(?:[NXYZ])?(\d+))?", text)
        if match is None:  # "[-]": one optional character
            parts.append(("X", None, 1))
            continue
        kind = "N" if match[1] == "N" else "X"
        if match[3]:
            parts.append((kind, None, int(match[3])))
        elif optional:
            parts.append((kind, None, int(match[2])))
        elif kind == "N" and parts and parts[-1][0] == "N" and parts[-1][1]:
            # GS1's table writes adjacent fixed-length numbers as one (8006 N14+N2+N2 is N18).
            parts[-1] = ("N", parts[-1][1] + int(match[2]), None)
        else:
            parts.append((kind, int(match[2]), None))
    return parts


def value_bits(digits):
    """Bits for a number of `digits` digits; the standard's formula, float and all, so that
    every implementation agrees on the edge cases."""
    return math.ceil(digits * math.log(10) / math.log(2) + 0.01)


def length_bits(maximum):
    return math.ceil(math.log(maximum) / math.log(2) + 0.01)


class _Reader:
    def __init__(self, bits):
        self.bits = bits
        self.cursor = 0

    def take(self, count):
        if self.cursor + count > len(self.bits):
            raise CompressionError("the compressed value ends too early")
        chunk = self.bits[self.cursor : self.cursor + count]
        self.cursor += count
        return chunk

    def number(self, count):
        return int(self.take(count), 2) if count else 0

    def left(self):
        return len(self.bits) - self.cursor


def _read_characters(reader, encoding, count):
    if encoding == 0:
        if count == 0:
            reader.take(value_bits(0))
            return ""
        return str(reader.number(value_bits(count))).zfill(count)
    if encoding in (1, 2):
        text = "".join(HEX[reader.number(4)] for _ in range(count))
        return text.lower() if encoding == 1 else text
    if encoding == 3:
        return "".join(SAFE64[reader.number(6)] for _ in range(count))
    if encoding == 4:
        return "".join(chr(reader.number(7)) for _ in range(count))
    raise CompressionError(f"unknown character encoding {encoding}")


def _read_value(reader, ai):
    value = ""
    for kind, fixed, maximum in _components(ai):
        if kind == "N" and fixed:
            value += str(reader.number(value_bits(fixed))).zfill(fixed)
        elif kind == "N":
            digits = reader.number(length_bits(maximum))
            number = reader.number(value_bits(digits))
            value += str(number).zfill(digits) if digits else ""
        else:
            encoding = reader.number(3)
            count = fixed if fixed else reader.number(length_bits(maximum))
            value += _read_characters(reader, encoding, count)
    return value


def decompress(segment):
    """([(ai, value), ...] in the order they came, {other key: value}) of a compressed path
    segment such as "AQnYUc1gmiCNV4JG"."""
    if not COMPRESSED.fullmatch(segment):
        raise CompressionError("not a base64url segment")
    reader = _Reader("".join(format(SAFE64.index(c), "06b") for c in segment))
    found, other = [], {}
    # What is left after the last value is padding up to a whole base64 character (< 6 bits).
    while reader.left() > 8:
        head = reader.take(8)
        h1, h2 = int(head[:4], 2), int(head[4:], 2)
        if h1 <= 9 and h2 <= 9:
            prefix = f"{h1}{h2}"
            if prefix not in AI_LENGTH:
                raise CompressionError(f"no AI starts with {prefix}")
            ai = prefix
            for _ in range(AI_LENGTH[prefix] - 2):
                digit = reader.number(4)
                if digit > 9:
                    raise CompressionError("an AI has a non-digit")
                ai += str(digit)
            found.append((ai, _read_value(reader, ai)))
        elif (code := f"{HEX[h1]}{HEX[h2]}") in OPTIMISATIONS:
            for ai in OPTIMISATIONS[code]:
                found.append((ai, _read_value(reader, ai)))
        elif h1 == 15:
            size = h2 << 3 | reader.number(3)
            key = "".join(SAFE64[reader.number(6)] for _ in range(size))
            encoding = reader.number(3)
            other[key] = _read_characters(reader, encoding, reader.number(7))
        else:
            raise CompressionError(f"unknown optimisation code {code}")
    if reader.bits[reader.cursor :].strip("0"):
        raise CompressionError("bits left over after the last value")
    if not found:
        raise CompressionError("no AI in the compressed value")
    return found, other


def _encoding(text):
    if re.fullmatch(r"\d+", text):
        return 0
    if re.fullmatch(r"[0-9A-F]+", text):
        return 2
    if re.fullmatch(r"[0-9a-f]+", text):
        return 1
    if re.fullmatch(r"[A-Za-z0-9_-]+", text):
        return 3
    return 4


def _write_characters(encoding, text):
    if encoding == 0:
        return format(int(text or "0"), f"0{value_bits(len(text))}b")
    if encoding in (1, 2):
        return "".join(format(HEX.index(c.upper()), "04b") for c in text)
    if encoding == 3:
        return "".join(format(SAFE64.index(c), "06b") for c in text)
    return "".join(format(ord(c), "07b") for c in text)


def _write_value(ai, value):
    bits, cursor = "", 0
    for kind, fixed, maximum in _components(ai):
        part = value[cursor : cursor + fixed] if fixed else value[cursor:]
        cursor += len(part)
        if kind == "N" and fixed:
            bits += format(int(part), f"0{value_bits(fixed)}b")
        elif kind == "N":
            bits += format(len(part), f"0{length_bits(maximum)}b")
            bits += format(int(part or "0"), f"0{value_bits(len(part))}b")
        else:
            encoding = 4 if part == "" else _encoding(part)
            bits += format(encoding, "03b")
            if not fixed:
                bits += format(len(part), f"0{length_bits(maximum)}b")
            bits += _write_characters(encoding, part)
    return bits


def compress(pairs, *, optimise=False):
    """The compressed path segment of [(ai, value), ...]: the inverse of `decompress`, written
    for the tests and for printing shorter QR codes. With `optimise`, the AIs are sorted and
    sequences in the optimisation table are written as one byte, as GS1's prototype does."""
    values = dict(pairs)
    order = sorted(values) if optimise else [ai for ai, _value in pairs]
    bits = ""
    if optimise:
        while True:
            fits = [(len("".join(seq)), code) for code, seq in OPTIMISATIONS.items()]
            fits = [(n, c) for n, c in fits if set(OPTIMISATIONS[c]) <= set(order)]
            if not fits:
                break
            code = max(fits, key=lambda fit: fit[0])[1]
            bits += "".join(format(HEX.index(c), "04b") for c in code)
            for ai in OPTIMISATIONS[code]:
                bits += _write_value(ai, values[ai])
                order.remove(ai)
    for ai in order:
        bits += "".join(format(int(d), "04b") for d in ai) + _write_value(ai, values[ai])
    bits += "0" * (-len(bits) % 6)
    return "".join(SAFE64[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))
