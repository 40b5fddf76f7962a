"""Dates that cannot contradict each other, checked when they are entered.

A diary line or a shipment dated before its lot existed makes the public timeline read
"created" after "harvested"; a pesticide spraying dated after the harvest or the packing of the
same lot says the product was sprayed once picked. Both are refused with the date that limits
them, so the person entering them can correct the date (or the lot's start) on the spot.
"""

from django.core.exceptions import ValidationError
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from txng.tracing.models import DiaryEntry, Event, StageKind

# Stages after which the produce is picked or packed: no more spraying on this lot.
PICKED = (StageKind.HARVEST, StageKind.PACKING)


def _when(moment):
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _start_of_day(moment):
    return timezone.localtime(moment).replace(hour=0, minute=0, second=0, microsecond=0)


def lot_started_at(lot):
    """When the lot came into being: its first event that is neither a diary line nor an error
    declaration (creation, receipt, or the transformation that made it)."""
    return (
        Event.objects.filter(
            lot_rows__lot=lot, diary_entry__isnull=True, declares_error_on__isnull=True
        )
        .aggregate(first=Min("event_time"))
        .get("first")
    )


def check_after_start(lot, time, field):
    started = lot_started_at(lot)
    # Imports give dates without a time, forms give minutes: anything on the day the lot
    # started fits; only an earlier day contradicts it.
    if started is not None and time < _start_of_day(started):
        raise ValidationError(
            {
                field: _(
                    "Lô %(code)s bắt đầu lúc %(start)s; thời gian này (%(time)s) ở trước đó. "
                    "Kiểm tra lại ngày, hoặc tạo lô với thời điểm bắt đầu sớm hơn."
                )
                % {"code": lot.code, "start": _when(started), "time": _when(time)}
            }
        )


def check_diary_time(lot, stage_kind, time, *, replacing=None):
    """Refuse a diary time before the lot started, or a spraying after harvest or packing."""
    check_after_start(lot, time, "time")
    live = DiaryEntry.objects.filter(lot=lot, event__error_declarations__isnull=True)
    if replacing is not None:
        live = live.exclude(pk=replacing.pk)
    if stage_kind == StageKind.SPRAYING:
        picked = live.filter(stage_kind__in=PICKED).aggregate(t=Min("time"))["t"]
        if picked is not None and time > picked:
            raise ValidationError(
                {
                    "time": _(
                        "Lô đã thu hoạch hoặc đóng gói lúc %(picked)s: không thể ghi phun thuốc "
                        "BVTV sau thời điểm đó. Kiểm tra lại ngày phun."
                    )
                    % {"picked": _when(picked)}
                }
            )
    elif stage_kind in PICKED:
        sprayed = live.filter(stage_kind=StageKind.SPRAYING).aggregate(t=Max("time"))["t"]
        if sprayed is not None and time < sprayed:
            raise ValidationError(
                {
                    "time": _(
                        "Nhật ký có lần phun thuốc BVTV lúc %(sprayed)s, sau thời điểm này. "
                        "Thu hoạch, đóng gói phải sau lần phun cuối; kiểm tra lại ngày."
                    )
                    % {"sprayed": _when(sprayed)}
                }
            )
