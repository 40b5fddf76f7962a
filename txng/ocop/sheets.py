"""Score sheets to and from XLSX: one row per option; consecutive rows with the same part,
sub-group and criterion make one criterion. The template is what `template()` writes."""

import io
from decimal import Decimal, InvalidOperation

import openpyxl
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from txng.ocop import scoring

HEADER = ["Phần (A/B/C)", "Nhóm tiêu chí", "Tiêu chí", "Mức đánh giá", "Điểm", "Điểm cộng (x)"]
MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024


def to_xlsx(criteria, title="Phiếu chấm"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phieu"
    ws.append(HEADER)
    for c in criteria:
        for o in c["options"]:
            ws.append(
                [
                    c["part"],
                    c["group"],
                    c["text"],
                    o["label"],
                    o["points"],
                    "x" if c.get("bonus") else "",
                ]
            )
    for col, width in zip("ABCDEF", (12, 30, 45, 55, 8, 12), strict=True):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template():
    from txng.ocop.demo_sheet import EXAMPLE_CRITERIA

    return to_xlsx(EXAMPLE_CRITERIA)


def _points(value, row, field="file"):
    try:
        points = Decimal(str(value).strip().replace(",", "."))
        if not points.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise ValidationError(
            {field: _("Dòng %(r)d: cột “Điểm” phải là số.") % {"r": row}}
        ) from None
    return int(points) if points == points.to_integral_value() else float(points)


def read_xlsx(data):
    """Criteria from an uploaded file; refused (naming the row) when unreadable, and then
    checked like any sheet: the parts' maxima must be 40 / 25 / 35."""
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": _("Tệp quá lớn (tối đa 2 MB).")})
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not XLSX
        raise ValidationError({"file": _("Không đọc được tệp: hãy dùng tệp mẫu .xlsx.")}) from None
    rows = enumerate(wb.worksheets[0].iter_rows(values_only=True), start=1)
    return criteria_from_rows(((n, row) for n, row in rows if n > 1), field="file")


def criteria_from_rows(rows, *, field):
    """Criteria from numbered rows of six cells (part, sub-group, criterion, option, points,
    bonus), as the XLSX template and the page editor both give them; refused naming the row
    (errors go under `field`), then checked by scoring.check_sheet."""
    criteria = []
    for n, row in rows:
        if n > MAX_ROWS:
            raise ValidationError({field: _("Quá nhiều dòng (tối đa %(n)d).") % {"n": MAX_ROWS}})
        cells = [("" if v is None else v) for v in (list(row) + [""] * 6)[:6]]
        part, group, text, label, points, bonus = cells
        if not any(str(v).strip() for v in cells):
            continue
        part = str(part).strip().upper()
        if part not in scoring.PART_MAXIMA:
            raise ValidationError({field: _("Dòng %(r)d: phần phải là A, B hoặc C.") % {"r": n}})
        if not str(label).strip() or str(points).strip() == "":
            raise ValidationError(
                {field: _("Dòng %(r)d: thiếu mức đánh giá hoặc điểm.") % {"r": n}}
            )
        key = (part, str(group).strip(), str(text).strip())
        option = {"label": str(label).strip(), "points": _points(points, n, field)}
        last = criteria[-1] if criteria else None
        if last and (last["part"], last["group"], last["text"]) == key:
            last["options"].append(option)
        else:
            criteria.append(
                {
                    "part": key[0],
                    "group": key[1],
                    "text": key[2],
                    "options": [option],
                    "bonus": str(bonus).strip().lower() in ("x", "1", "có", "co", "yes"),
                }
            )
    scoring.check_sheet(criteria)
    return criteria


def to_rows(criteria):
    """A sheet's criteria as the page editor's rows, one per option (the XLSX layout)."""
    return [
        {
            "part": c["part"],
            "group": c["group"],
            "text": c["text"],
            "label": o["label"],
            "points": str(o["points"]).replace(".", ","),
            "bonus": bool(c.get("bonus")),
        }
        for c in criteria
        for o in c["options"]
    ]
