"""Template filters loaded in every template (settings.TEMPLATES builtins), so a page never
prints a raw Decimal: {{ lot.in_stock|qty:lot.unit }}, {{ order.quantity|count }}."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format

from txng.common import numbers, units

register = template.Library()


def local_minute(moment):
    """A moment as a Vietnamese reader reads it to the minute, in the site's time zone
    ("05/12/2026 21:03"); "" for none: what the date filter "d/m/Y H:i" prints."""
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}" if moment else ""


@register.filter
def qty(value, unit=None):
    return numbers.quantity(value, unit)


@register.filter
def count(value):
    return numbers.count(value)


@register.filter
def unit_label(code):
    return units.unit_label(code)


@register.filter
def isodate(value, fmt="SHORT_DATE_FORMAT"):
    """An ISO date or timestamp kept as text (a stored report, a JSON trace) as dd/mm/yyyy."""
    if not value:
        return ""
    if isinstance(value, str):
        parsed = parse_datetime(value) or parse_date(value[:10])
        if parsed is None:
            return value
        value = parsed
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, fmt)


@register.filter
def with_label(error, label):
    """'Số lượng: phải lớn hơn 0', naming the field once: an error that already starts with
    its field's name ('Số lượng phải lớn hơn 0', 'Lý do: cần nêu…') is shown as it is."""
    text, name = str(error), str(label or "").strip()
    if not name or text.casefold().startswith(name.casefold()):
        return text
    return f"{name}: {text}"
