"""DOST's aggregate report for a period, from the accepted agency reports, as DOCX (the layout
of a Vietnamese administrative report, Decree 30/2020: the national emblem line, number, place
and date, recipients, signature block), PDF and XLSX."""

import io
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from txng.accounts.provinces import current as current_province
from txng.reports.models import PeriodKind, ReportState

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/TTF"))

# The key figures of each agency in the per-agency table: (section key, row position).
AGENCY_COLUMNS = (
    ("products", 0, gettext_lazy("SP công bố")),
    ("tracing", 0, gettext_lazy("Lô hàng")),
    ("tracing", 1, gettext_lazy("Sự kiện")),
    ("stamps", 1, gettext_lazy("Tem kích hoạt")),
    ("stamps", 2, gettext_lazy("Lượt quét")),
)


@dataclass
class Aggregate:
    period: object
    title: str
    subtitle: str
    place: str
    issuer: str
    superior: str
    sums: list = field(default_factory=list)  # [(section title, [(label, total)])]
    agencies: list = field(default_factory=list)  # [(name, state, submitted, late, [values])]
    texts: list = field(default_factory=list)  # [(agency name, situation, difficulties, proposals)]
    columns: list = field(default_factory=list)

    @property
    def date_line(self):
        today = timezone.localdate()
        return _("%(place)s, ngày %(d)02d tháng %(m)02d năm %(y)d") % {
            "place": self.place,
            "d": today.day,
            "m": today.month,
            "y": today.year,
        }

    @property
    def number_line(self):
        return _("Số: %(n)s") % {"n": self.period.number or "      /BC-SKHCN"}

    @property
    def recipients(self):
        lines = [x.strip() for x in self.period.recipients.splitlines() if x.strip()]
        return lines or [_("UBND tỉnh (b/c)"), _("Lưu: VT")]


def aggregate(period):
    province = current_province()
    reports = list(period.reports.select_related("agency").order_by("agency__kind", "agency__name"))
    accepted = [r for r in reports if r.state == ReportState.ACCEPTED]
    sums, order = {}, []
    for report in accepted:
        for section in report.figures:
            if section.get("chart") == "columns":
                continue  # a month-by-month series is shown per agency, not summed
            key = (section["key"], section["title"])
            if key not in sums:
                sums[key] = {}
                order.append(key)
            for label, value in section["rows"]:
                sums[key][label] = sums[key].get(label, 0) + value
    agencies = []
    for report in reports:
        by_key = {s["key"]: s["rows"] for s in report.figures}
        values = []
        for key, position, _title in AGENCY_COLUMNS:
            rows = by_key.get(key, [])
            values.append(rows[position][1] if len(rows) > position else "")
        agencies.append(
            (
                report.agency.name,
                report.get_state_display(),
                timezone.localtime(report.submitted_at).strftime("%d/%m/%Y")
                if report.submitted_at
                else "",
                _("Muộn") if report.is_overdue() else "",
                values if report.state == ReportState.ACCEPTED else [""] * len(values),
            )
        )
    if period.kind == PeriodKind.IMPLEMENTATION:
        subtitle = _(
            "Kết quả thực hiện Quy định về truy xuất nguồn gốc sản phẩm, hàng hóa năm %(y)s"
        )
    elif period.kind == PeriodKind.HALF_YEAR:
        subtitle = _("Tình hình ứng dụng hệ thống truy xuất nguồn gốc 6 tháng đầu năm %(y)s")
    else:
        subtitle = _("Tình hình ứng dụng hệ thống truy xuất nguồn gốc năm %(y)s")
    return Aggregate(
        period=period,
        title=_("BÁO CÁO"),
        subtitle=subtitle % {"y": period.year},
        place=period.place or province.name,
        issuer=_("SỞ KHOA HỌC VÀ CÔNG NGHỆ"),
        superior=_("UBND TỈNH %(p)s") % {"p": province.name.upper()},
        sums=[(title, list(sums[(key, title)].items())) for key, title in order],
        agencies=agencies,
        texts=[(r.agency.name, r.situation, r.difficulties, r.proposals) for r in accepted],
        columns=[str(title) for _k, _p, title in AGENCY_COLUMNS],
    )


def _count(value):
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else str(value)


# --- DOCX ----------------------------------------------------------------------------------


def docx_bytes(agg):
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    # Decree 30/2020 Annex I: A4, margins top/bottom 2 cm, left 3 cm, right 1.5 cm.
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    center = WD_ALIGN_PARAGRAPH.CENTER

    def widths(table, sizes):
        # LibreOffice lays a table out by each cell's own width, Word by the grid: set both.
        table.autofit = False
        for column, size in zip(table.columns, sizes, strict=True):
            column.width = size
            for cell in column.cells:
                cell.width = size

    def para(cell_or_doc, text, *, bold=False, italic=False, size=None, align=None, space=0):
        p = cell_or_doc.add_paragraph()
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        if align is not None:
            p.alignment = align
        p.paragraph_format.space_after = Pt(space)
        return p

    head = doc.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    head.autofit = False
    left, right = head.rows[0].cells
    # Decree 30/2020 Annex I: the issuer on the left, the nation and motto on the right, both
    # 12-13 pt, the nation's name on one line.
    # The text is 16.5 cm wide: the nation's name needs 11 cm at 12 pt bold in the wider fonts
    # a reader without Times New Roman gets.
    widths(head, (Cm(5.5), Cm(11)))
    run = left.paragraphs[0].add_run(agg.superior)
    run.font.size = Pt(12)
    left.paragraphs[0].alignment = center
    para(left, agg.issuer, bold=True, size=12, align=center)
    para(left, "_______", align=center)
    para(left, agg.number_line, align=center)
    run = right.paragraphs[0].add_run(NATION)
    run.bold, run.font.size = True, Pt(12)
    right.paragraphs[0].alignment = center
    para(right, MOTTO, bold=True, align=center)
    para(right, "_______________", align=center)
    para(right, agg.date_line, italic=True, align=center)

    para(doc, "", space=6)
    para(doc, agg.title, bold=True, size=14, align=center)
    para(doc, agg.subtitle, bold=True, align=center, space=12)
    para(
        doc,
        _("Kính gửi: Ủy ban nhân dân tỉnh %(p)s") % {"p": current_province().name},
        align=center,
        space=12,
    )

    para(doc, _("I. SỐ LIỆU TỔNG HỢP TỪ BÁO CÁO CỦA CÁC CƠ QUAN"), bold=True, space=6)
    for title, rows in agg.sums:
        para(doc, title, italic=True)
        table = doc.add_table(rows=1, cols=2, style="Table Grid")
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = _("Chỉ tiêu"), _("Số lượng")
        for label, value in rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, _count(value)
            cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        widths(table, (Cm(12.5), Cm(4)))
    if not agg.sums:
        para(doc, _("Chưa có báo cáo nào được tiếp nhận."), italic=True)
    para(
        doc,
        _("(Một cơ sở có thể do nhiều cơ quan cùng quản lý nên có thể được cộng nhiều lần.)"),
        italic=True,
        size=11,
        space=6,
    )

    para(doc, _("II. TÌNH HÌNH NỘP BÁO CÁO CỦA CÁC CƠ QUAN"), bold=True, space=6)
    heads = [_("Cơ quan"), _("Trạng thái"), _("Ngày gửi"), _("Quá hạn")] + agg.columns
    table = doc.add_table(rows=1, cols=len(heads), style="Table Grid")
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
        cell.paragraphs[0].runs[0].font.size = Pt(10)
    for name, state, submitted, late, values in agg.agencies:
        cells = table.add_row().cells
        for cell, text in zip(
            cells, [name, state, submitted, late, *map(_count, values)], strict=True
        ):
            cell.text = text
            cell.paragraphs[0].runs[0].font.size = Pt(10)
    # The agency's name gets room; the figures share what is left of the 16.5 cm.
    fixed = [Cm(3.2), Cm(2.0), Cm(2.5), Cm(1.5)]
    rest = (Cm(16.5) - sum(fixed)) // max(len(agg.columns), 1)
    widths(table, fixed + [rest] * len(agg.columns))

    para(doc, "", space=6)
    para(doc, _("III. TÌNH HÌNH TRIỂN KHAI TẠI CÁC CƠ QUAN"), bold=True, space=6)
    for name, situation, difficulties, proposals in agg.texts:
        para(doc, name, bold=True, italic=True)
        for label, text in (
            (_("Tình hình triển khai"), situation),
            (_("Khó khăn, vướng mắc"), difficulties),
            (_("Đề xuất, kiến nghị"), proposals),
        ):
            if text:
                para(doc, f"{label}: {text}", space=3)
    para(doc, _("IV. ĐÁNH GIÁ CHUNG VÀ KIẾN NGHỊ"), bold=True, space=6)
    para(doc, agg.period.summary or "…", space=6)
    if agg.period.proposals:
        para(doc, agg.period.proposals, space=6)

    sign = doc.add_table(rows=1, cols=2)
    widths(sign, (Cm(8.5), Cm(8)))
    left, right = sign.rows[0].cells
    left.paragraphs[0].add_run(_("Nơi nhận:")).bold = True
    left.paragraphs[0].runs[0].italic = True
    for i, line in enumerate(agg.recipients, start=1):
        para(left, f"- {line}{'.' if i == len(agg.recipients) else ';'}", size=11)
    right.paragraphs[0].add_run(agg.period.signer_title or _("GIÁM ĐỐC")).bold = True
    right.paragraphs[0].alignment = center
    para(right, "", space=48)
    para(right, agg.period.signer_name or "", bold=True, align=center)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- PDF -----------------------------------------------------------------------------------


def _fonts():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "TxngSans" in pdfmetrics.getRegisteredFontNames():
        return "TxngSans", "TxngSans-Bold"
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont("TxngSans", str(regular)))
            pdfmetrics.registerFont(TTFont("TxngSans-Bold", str(bold)))
            return "TxngSans", "TxngSans-Bold"
    return "Helvetica", "Helvetica-Bold"  # no Vietnamese accents; install fonts-dejavu-core


def pdf_bytes(agg):
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=10.5, leading=14)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11)
    strong = ParagraphStyle("strong", parent=body, fontName=bold)
    centre = ParagraphStyle("centre", parent=body, alignment=TA_CENTER)
    centre_b = ParagraphStyle("centre_b", parent=strong, alignment=TA_CENTER)
    title = ParagraphStyle("title", parent=centre_b, fontSize=13, leading=18)

    def p(text, style=body):
        from xml.sax.saxutils import escape

        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    story = [
        Table(
            [
                [p(agg.superior, centre), p(NATION, centre_b)],
                [p(agg.issuer, centre_b), p(MOTTO, centre_b)],
                [p(agg.number_line, centre), p(agg.date_line, centre)],
            ],
            colWidths=[6.5 * cm, 10 * cm],
        ),
        Spacer(1, 0.6 * cm),
        p(agg.title, title),
        p(agg.subtitle, centre_b),
        Spacer(1, 0.3 * cm),
        p(_("Kính gửi: Ủy ban nhân dân tỉnh %(p)s") % {"p": current_province().name}, centre),
        Spacer(1, 0.4 * cm),
        p(_("I. SỐ LIỆU TỔNG HỢP TỪ BÁO CÁO CỦA CÁC CƠ QUAN"), strong),
    ]
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONTNAME", (0, 0), (-1, -1), regular),
        ]
    )
    for heading, rows in agg.sums:
        story.append(p(heading, body))
        data = [[p(_("Chỉ tiêu"), strong), p(_("Số lượng"), strong)]]
        data += [[p(label), p(_count(value))] for label, value in rows]
        story += [Table(data, colWidths=[11 * cm, 4 * cm], style=grid), Spacer(1, 0.2 * cm)]
    story.append(p(_("II. TÌNH HÌNH NỘP BÁO CÁO CỦA CÁC CƠ QUAN"), strong))
    heads = [_("Cơ quan"), _("Trạng thái"), _("Ngày gửi"), _("Quá hạn")] + agg.columns
    data = [[p(h, small) for h in heads]]
    for name, state, submitted, late, values in agg.agencies:
        data.append([p(x, small) for x in [name, state, submitted, late, *map(_count, values)]])
    widths = [3.6 * cm, 2.3 * cm, 1.8 * cm, 1.2 * cm] + [1.5 * cm] * len(agg.columns)
    story += [Table(data, colWidths=widths, style=grid, repeatRows=1), Spacer(1, 0.3 * cm)]
    story.append(p(_("III. TÌNH HÌNH TRIỂN KHAI TẠI CÁC CƠ QUAN"), strong))
    for name, situation, difficulties, proposals in agg.texts:
        story.append(p(name, strong))
        for label, text in (
            (_("Tình hình triển khai"), situation),
            (_("Khó khăn, vướng mắc"), difficulties),
            (_("Đề xuất, kiến nghị"), proposals),
        ):
            if text:
                story.append(p(f"{label}: {text}"))
    story += [
        Spacer(1, 0.3 * cm),
        p(_("IV. ĐÁNH GIÁ CHUNG VÀ KIẾN NGHỊ"), strong),
        p(agg.period.summary or "…"),
        p(agg.period.proposals or ""),
        Spacer(1, 0.5 * cm),
    ]
    last = len(agg.recipients)
    recipients = [p(_("Nơi nhận:"), strong)] + [
        p(f"- {x}{'.' if i == last else ';'}", small) for i, x in enumerate(agg.recipients, 1)
    ]
    signer = [
        p(agg.period.signer_title or _("GIÁM ĐỐC"), centre_b),
        Spacer(1, 2 * cm),
        p(agg.period.signer_name or "", centre_b),
    ]
    story.append(Table([[recipients, signer]], colWidths=[8 * cm, 8.5 * cm]))
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=3 * cm,
        rightMargin=1.5 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=agg.subtitle,
    ).build(story)
    return out.getvalue()


# --- XLSX ----------------------------------------------------------------------------------


def xlsx_bytes(agg):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sums = book.active
    sums.title = _("Tổng hợp")
    sums.append([agg.subtitle])
    sums["A1"].font = Font(bold=True)
    sums.append([])
    sums.append([_("Nhóm"), _("Chỉ tiêu"), _("Số lượng")])
    for heading, rows in agg.sums:
        for label, value in rows:
            sums.append([heading, label, value])
    sums.column_dimensions["A"].width = 34
    sums.column_dimensions["B"].width = 34
    per = book.create_sheet(_("Theo cơ quan"))
    per.append([_("Cơ quan"), _("Trạng thái"), _("Ngày gửi"), _("Quá hạn"), *agg.columns])
    for name, state, submitted, late, values in agg.agencies:
        per.append([name, state, submitted, late, *values])
    per.column_dimensions["A"].width = 36
    per.auto_filter.ref = per.dimensions
    texts = book.create_sheet(_("Tình hình triển khai"))
    texts.append(
        [_("Cơ quan"), _("Tình hình triển khai"), _("Khó khăn, vướng mắc"), _("Đề xuất, kiến nghị")]
    )
    for row in agg.texts:
        texts.append(list(row))
    for sheet in book.worksheets:
        for cell in sheet[1 if sheet is not sums else 3]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
