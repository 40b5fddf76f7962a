"""Reporting periods: their spans and default deadlines (Cao Bằng Art. 15.3: six-monthly before
20 June, yearly before 25 December), per province profile."""

from datetime import date

from django.conf import settings

from txng.reports.models import PeriodKind

# (month, day) of the six-monthly and the yearly deadline. A province whose decision sets other
# dates adds its profile's slug here.
DEADLINES = {
    "default": ((6, 20), (12, 25)),
}


def _deadlines():
    return DEADLINES.get(getattr(settings, "TXNG_PROVINCE", ""), DEADLINES["default"])


def span_for(kind, year, half=1):
    """(start, end) the figures cover: the first half-year for a six-monthly report (the second
    half-year is covered by the yearly report), the whole year otherwise. Cao Bằng reports
    before 20 June and 25 December, so each period ends on its deadline's month."""
    half_deadline, year_deadline = _deadlines()
    if kind == PeriodKind.HALF_YEAR:
        return date(year, 1, 1), date(year, half_deadline[0], half_deadline[1])
    return date(year, 1, 1), date(year, year_deadline[0], year_deadline[1])


def deadline_for(kind, year):
    half_deadline, year_deadline = _deadlines()
    month, day = half_deadline if kind == PeriodKind.HALF_YEAR else year_deadline
    return date(year, month, day)
