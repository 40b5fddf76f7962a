"""Small generated files for demo data and tests (nothing is downloaded)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def pdf_bytes(title="Giay chung nhan dang ky kinh doanh"):
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica-Bold", 16)
    c.drawString(72, 760, title)
    c.setFont("Helvetica", 11)
    c.drawString(72, 735, "Ban mo phong cho du lieu demo / Sample for demo data")
    c.showPage()
    c.save()
    return buf.getvalue()


def pdf_upload(name="giay-phep.pdf", title="Giay chung nhan dang ky kinh doanh"):
    return SimpleUploadedFile(name, pdf_bytes(title), content_type="application/pdf")


def png_bytes(size=(64, 64), colour=(31, 111, 67)):
    buf = io.BytesIO()
    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).ellipse((8, 8, size[0] - 8, size[1] - 8), fill=(159, 211, 178))
    image.save(buf, "PNG")
    return buf.getvalue()


def png_upload(name="anh.png", **kwargs):
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")
