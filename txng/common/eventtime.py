"""Times as the EPCIS event hash writes them: UTC with exactly three decimals (GS1 CBV 2.0,
section 8.9), split out of eventhash.py with the shortcut that spares most events datetime's
work. eventhash.py re-exports the public names (TimeOutOfRange, normalised_time)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache

__all__ = ["TimeOutOfRange", "normalised_time"]


class TimeOutOfRange(ValueError):
    """A time whose UTC form at millisecond precision falls outside the years 1-9999, e.g.
    ``0001-01-01T00:30:00+01:00`` or ``9999-12-31T23:59:59.9996Z``.

    The hash needs every time in UTC with three decimals (CBV 2.0, section 8.9). The year 10000
    has no RFC 3339 form (four-digit years), the year 0 none that Python's datetime, the GS1
    reference implementation (it raises OverflowError) or the database can hold, so no other
    implementation would agree on a hash: none is made up, and the event is to be refused.
    ``field`` is the time's field name (``eventTime``, a sensor's ``time``, an extension)."""

    def __init__(self, field: str, text: str):
        super().__init__(f"{field}: {text!r} is out of range in UTC")
        self.field, self.text = field, text


# ASCII digits only: a date-time is written in them (RFC 3339, xsd:dateTime); other digits
# (\d would take "٢" or "２") make a text that is hashed as it is.
_DATETIME = re.compile(
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})$"
)


def _normalise_time(text: str, match: re.Match[str] | None = None, key: str = "") -> str:
    """UTC with exactly three decimals, half-up rounded (CBV 2.0 rule: .1415 -> .142).

    Raises TimeOutOfRange when the UTC form falls outside the years 1-9999. A time with three
    decimals or fewer needs no rounding, so its seconds and decimals are written as they are
    after its minute in UTC, which is worked out once per minute and offset (the events of a
    document mostly fall in a few minutes); anything else takes the general path."""
    if match is None:
        usual = _usual_time(text)
        if usual is not None:
            return usual
        match = _DATETIME.match(text)
        if not match:
            return text
    hour, seconds, fraction, offset = match.group(4, 6, 7, 8)
    fraction = fraction or ""
    # A leap second or a trailing newline ($ allows one) is the general path's to refuse
    # whatever the minute, and so is an hour of 24 (a parser reading T24:00:00 as the next
    # midnight would take the minute, not its other seconds).
    if len(fraction) <= 3 and seconds < "60" and hour < "24" and match.end() == len(text):
        minute = _utc_minute(text[:16], offset)
        if minute is not None:
            return f"{minute}:{seconds}.{fraction:0<3}Z"
    return _general_time(text, key)


@lru_cache(maxsize=4096)
def _utc_minute(minute: str, offset: str) -> str | None:
    """``YYYY-MM-DDTHH:MM`` in UTC (as the general path writes it) for a local minute and its
    offset; None when that minute has no UTC form or is no real date-time."""
    text = f"{minute}:00{offset}"
    try:
        utc = _general_time(text, "")
    except TimeOutOfRange:
        return None
    return None if utc == text else utc[: -len(":00.000Z")]


def _usual_time(text: str) -> str | None:
    """The usual form, "2026-03-01T08:15:30.123+07:00", in UTC without the pattern's work: its
    seconds and decimals are ASCII digits, and _usual_minute holds what is before and after them
    to the pattern. None for any other text (which _normalise_time takes as it comes)."""
    if len(text) > 23 and text[16] == ":" and text[19] == "." and text[17:19] < "60":
        digits = text[17:19] + text[20:23]
        if digits.isdigit() and digits.isascii():
            minute = _usual_minute(text[:16], text[23:])
            if minute is not None:
                return f"{minute}:{text[17:23]}Z"
    return None


@lru_cache(maxsize=4096)
def _usual_minute(minute: str, offset: str) -> str | None:
    """The minute in UTC of the times written ``{minute}:SS.mmm{offset}``, as _normalise_time
    works it out; None when such a text is no time the pattern takes or goes another way."""
    text = f"{minute}:00.000{offset}"
    match = _DATETIME.match(text)
    # The decimals must be the three written here: "4Z" after them would be a fourth decimal.
    if not match or match.end() != len(text) or match.group(7) != "000":
        return None
    if match.group(4) >= "24":  # see _normalise_time
        return None
    return _utc_minute(minute, offset)


def _general_time(text: str, key: str) -> str:
    """Once the pattern has matched, datetime's own ISO 8601 parser reads the time (its
    microseconds hold the fourth decimal that decides the rounding) and the offset is
    subtracted from the naive time, in a fraction of the time that aware datetimes and
    astimezone took."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:  # a day or hour that does not exist, an offset of 24 h or more
        return text
    # Milliseconds rounded half up: the fourth decimal decides (.1415 -> 142, .9996 -> 1000).
    millis = (moment.microsecond + 500) // 1000
    offset = moment.utcoffset()
    try:
        if moment.microsecond == millis * 1000:  # three decimals or fewer: nothing to round
            moment = moment.replace(tzinfo=None) - offset
        else:
            moment = (
                moment.replace(microsecond=0, tzinfo=None) - offset + timedelta(milliseconds=millis)
            )
    except OverflowError as exc:
        raise TimeOutOfRange(key or "time", text) from exc
    if moment.year < 1000:  # strftime writes such a year unpadded; keep its output
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.isoformat(timespec="milliseconds") + "Z"


def normalised_time(text: str, field: str = "time") -> str:
    """A time as the hash writes it (UTC, milliseconds); TimeOutOfRange when it has no such
    form. A text that is no ISO 8601 date-time comes back as it is."""
    return _normalise_time(text.strip(), None, field)
