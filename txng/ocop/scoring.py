"""The arithmetic of an OCOP score sheet (Decision 148/QĐ-TTg, 2023): pure functions, no database.

A sheet's content is data: a list of criteria, each {"part": "A"|"B"|"C", "group": sub-group,
"text": criterion, "options": [{"label", "points"}], "bonus": bool}. One option is chosen per
criterion; a criterion's maximum is its best option. Bonus criteria add points but do not count
towards the parts' maxima, and a part never scores above its maximum.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PART_MAXIMA = {"A": 40, "B": 25, "C": 35}
# Half-open bands, lower bound included (148: "từ 70 đến dưới 90 điểm" ...); 100 is 5★.
STAR_BANDS = ((90, 5), (70, 4), (50, 3), (30, 2), (0, 1))
VALIDITY_MONTHS = 36
TWO_PLACES = Decimal("0.01")


def stars_for(points):
    """Stars for a total out of 100 (a member's sheet or the council's average)."""
    points = Decimal(str(points))
    if not Decimal(0) <= points <= Decimal(100):
        raise ValueError(f"points out of range: {points}")
    return next(stars for floor, stars in STAR_BANDS if points >= floor)


def criterion_max(criterion):
    return max(Decimal(str(o["points"])) for o in criterion["options"])


def check_sheet(criteria):
    """Refuse a sheet whose parts' maxima do not add up to 40 / 25 / 35 (or that cannot be
    scored), naming what is wrong."""
    errors = []
    if not criteria:
        raise ValidationError({"criteria": _("Bộ phiếu chưa có tiêu chí nào.")})
    totals = {part: Decimal(0) for part in PART_MAXIMA}
    for n, c in enumerate(criteria, start=1):
        if c.get("part") not in PART_MAXIMA:
            errors.append(_("Tiêu chí %(n)d: phần phải là A, B hoặc C.") % {"n": n})
            continue
        if not (c.get("text") or "").strip():
            errors.append(_("Tiêu chí %(n)d: thiếu nội dung tiêu chí.") % {"n": n})
        options = c.get("options") or []
        if len(options) < 2:
            errors.append(_("Tiêu chí %(n)d: cần ít nhất hai mức điểm.") % {"n": n})
            continue
        if any(Decimal(str(o["points"])) < 0 for o in options):
            errors.append(_("Tiêu chí %(n)d: điểm không được âm.") % {"n": n})
        if not c.get("bonus"):
            totals[c["part"]] += criterion_max(c)
    for part, maximum in PART_MAXIMA.items():
        if totals[part] != maximum:
            errors.append(
                _("Phần %(part)s: tổng điểm tối đa là %(got)s, phải là %(want)d.")
                % {"part": part, "got": _num(totals[part]), "want": maximum}
            )
    if errors:
        raise ValidationError({"criteria": errors})


def _num(value):
    value = Decimal(value).normalize()
    return format(value, "f").replace(".", ",")


def score(criteria, answers):
    """(points per part, total) of one filled sheet. `answers` maps a criterion's index to the
    chosen option's index; every criterion must be answered."""
    parts = {part: Decimal(0) for part in PART_MAXIMA}
    missing = []
    for i, c in enumerate(criteria):
        chosen = answers.get(i)
        if chosen is None or not 0 <= chosen < len(c["options"]):
            missing.append(i + 1)
            continue
        parts[c["part"]] += Decimal(str(c["options"][chosen]["points"]))
    if missing:
        raise ValidationError(
            {
                "answers": _("Chưa chấm tiêu chí: %(list)s.")
                % {"list": ", ".join(str(n) for n in missing)}
            }
        )
    # Bonus points never lift a part above its maximum.
    parts = {p: min(v, PART_MAXIMA[p]) for p, v in parts.items()}
    return parts, sum(parts.values())


def average(totals):
    """The council's result: the members' average, to two places (half up)."""
    totals = [Decimal(str(t)) for t in totals]
    if not totals:
        raise ValueError("no scores")
    return (sum(totals) / len(totals)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
