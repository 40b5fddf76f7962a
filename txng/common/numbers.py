"""Numbers as a reader of the active language expects them.

A Decimal(14, 3) column prints as "120.000", which a Vietnamese reader takes for one hundred and
twenty thousand. Every quantity shown to a person (pages, notifications, exports, form values)
goes through `quantity`: trailing zeros dropped, the locale's decimal comma and thousand
separator ("1.234,5" in Vietnamese, "1,234.5" in English). Counts go through `count`.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.formats import number_format

from txng.common.units import unit_label


def _decimal(value):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def plain(value):
    """The number with no trailing zeros and no exponent ("120", "12.5"): for form initial
    values and machine-read files, where the locale must not change the digits."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


def quantity(value, unit=None):
    """'1.234,5 gói' in Vietnamese: no trailing zeros, locale separators, the unit's name."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    digits = plain(number)
    places = len(digits.split(".")[1]) if "." in digits else 0
    text = number_format(Decimal(digits), decimal_pos=places, force_grouping=True)
    label = unit_label(unit) if unit else ""
    return f"{text} {label}" if label else text


def count(value):
    """A whole number with the locale's thousand separator: '12.000' tem in Vietnamese."""
    if value is None or value == "":
        return ""
    try:
        return number_format(int(value), force_grouping=True)
    except (TypeError, ValueError):
        return str(value)


class QuantityInput(forms.NumberInput):
    """A number box that shows a stored 120.000 as 120, not as a figure a thousand times larger."""

    def format_value(self, value):
        if value is None or value == "":
            return None
        return plain(value) if _decimal(value) is not None else str(value)
