"""The certificate as a one-page A4 PDF (reportlab), its QR drawn from segno's matrix."""

import io

import segno
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from txng.accounts.provinces import current
from txng.ocop.certificates import verify_url
from txng.stamps.printing import FONT_CANDIDATES, _font_paths

FONT = "Helvetica"
BOLD = "Helvetica-Bold"


def _fonts():
    """DejaVu (Vietnamese glyphs) when installed; Helvetica would drop the accents."""
    global FONT, BOLD
    if FONT == "DejaVu":
        return
    regular = next((p for p in _font_paths() if p.is_file()), None)
    if regular is None:
        return
    pdfmetrics.registerFont(TTFont("DejaVu", str(regular)))
    bold = regular.with_name("DejaVuSans-Bold.ttf")
    if not bold.is_file():
        bold = next(
            (
                p.with_name("DejaVuSans-Bold.ttf")
                for p in FONT_CANDIDATES
                if p.with_name("DejaVuSans-Bold.ttf").is_file()
            ),
            regular,
        )
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(bold)))
    FONT, BOLD = "DejaVu", "DejaVu-Bold"


def _qr(c, data, x, y, size):
    matrix = segno.make(data, error="m").matrix
    n = len(matrix) + 8  # four modules of quiet zone each side
    cell = size / n
    c.setFillColorRGB(1, 1, 1)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        for col, dark in enumerate(row):
            if dark:
                c.rect(
                    x + (col + 4) * cell, y + size - (r + 5) * cell, cell, cell, stroke=0, fill=1
                )


def _wrap(text, font, size, width):
    words, lines, line = text.split(), [], ""
    for w in words:
        trial = f"{line} {w}".strip()
        if pdfmetrics.stringWidth(trial, font, size) <= width:
            line = trial
        else:
            lines.append(line)
            line = w
    return [*lines, line] if line else lines


def render(cert):
    _fonts()
    province = current()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(f"Giấy xác nhận {cert.number}")
    w, h = A4
    left, right = 20 * mm, w - 20 * mm
    c.setLineWidth(2)
    c.rect(12 * mm, 12 * mm, w - 24 * mm, h - 24 * mm)
    y = h - 30 * mm
    c.setFont(BOLD, 11)
    c.drawCentredString(w * 0.27, y, f"UBND TỈNH {province.name.upper()}")
    c.drawCentredString(w * 0.72, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    y -= 5.5 * mm
    c.drawCentredString(
        w * 0.27, y, province.dost_name.replace(f" tỉnh {province.name}", "").upper()
    )
    c.drawCentredString(w * 0.72, y, "Độc lập - Tự do - Hạnh phúc")
    y -= 6 * mm
    c.setFont(FONT, 10)
    c.drawCentredString(w * 0.27, y, f"Số: {cert.number}")
    c.drawCentredString(
        w * 0.72,
        y,
        f"{province.name}, ngày {cert.issued_on:%d} tháng {cert.issued_on:%m} "
        f"năm {cert.issued_on:%Y}",
    )
    y -= 22 * mm
    c.setFont(BOLD, 18)
    c.drawCentredString(w / 2, y, "GIẤY XÁC NHẬN")
    y -= 8 * mm
    c.setFont(BOLD, 13)
    c.drawCentredString(w / 2, y, "THAM GIA HỆ THỐNG TRUY XUẤT NGUỒN GỐC SẢN PHẨM, HÀNG HÓA")
    y -= 14 * mm
    business = cert.business
    rows = [
        ("Cơ sở", business.name),
        ("Mã số thuế", business.tax_code or "—"),
        ("Địa chỉ", business.address or "—"),
        ("Sản phẩm", "; ".join(p.name for p in cert.products.all())),
        ("Hiệu lực", f"từ {cert.issued_on:%d/%m/%Y} đến {cert.valid_until:%d/%m/%Y}"),
    ]
    for label, value in rows:
        c.setFont(BOLD, 11)
        c.drawString(left, y, f"{label}:")
        c.setFont(FONT, 11)
        for line in _wrap(value, FONT, 11, right - left - 35 * mm) or [""]:
            c.drawString(left + 35 * mm, y, line)
            y -= 6 * mm
        y -= 2 * mm
    y -= 4 * mm
    c.setFont(FONT, 10)
    basis = (
        f"Căn cứ {province.decision} ban hành Quy chế quản lý, vận hành "
        "Hệ thống truy xuất nguồn gốc."
    )
    for line in _wrap(basis, FONT, 10, right - left):
        c.drawString(left, y, line)
        y -= 5 * mm
    url = verify_url(cert)
    size = 45 * mm
    _qr(c, url, left, 30 * mm, size)
    c.setFont(FONT, 9)
    c.drawString(left, 26 * mm, _("Quét mã để kiểm tra hiệu lực:"))
    c.drawString(left, 21 * mm, url)
    c.setFont(BOLD, 11)
    c.drawCentredString(w * 0.72, 70 * mm, "GIÁM ĐỐC")
    c.setFont(FONT, 11)
    c.drawCentredString(w * 0.72, 45 * mm, cert.signer or "")
    c.showPage()
    c.save()
    return buf.getvalue()
