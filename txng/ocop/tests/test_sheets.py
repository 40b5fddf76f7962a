"""Score sheets come in as XLSX (the template downloads), are refused with the part named when
their maxima are wrong, and are published as new versions."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from txng.ocop import sheets
from txng.ocop.demo_sheet import EXAMPLE_CRITERIA
from txng.ocop.models import ScoreSheet, SheetState

pytestmark = pytest.mark.django_db


def _upload(data, **fields):
    return {
        "group": "food",
        "title": "Phiếu thực phẩm",
        "file": SimpleUploadedFile("p.xlsx", data),
        **fields,
    }


def test_template_downloads_and_reads_back_to_the_example(client, dost_admin):
    client.force_login(dost_admin)
    response = client.get(reverse("ocop:sheet_template"))
    assert response.status_code == 200
    assert sheets.read_xlsx(response.content) == EXAMPLE_CRITERIA


def test_import_creates_a_draft_version_then_publish(client, dost_admin):
    client.force_login(dost_admin)
    response = client.post(reverse("ocop:sheets"), _upload(sheets.template()))
    sheet = ScoreSheet.objects.get()
    assert response.status_code == 302 and sheet.state == SheetState.DRAFT and sheet.version == 1
    client.post(reverse("ocop:sheet", args=[sheet.pk]))
    sheet.refresh_from_db()
    assert sheet.state == SheetState.PUBLISHED
    client.post(reverse("ocop:sheets"), _upload(sheets.template()))
    assert list(ScoreSheet.objects.values_list("version", flat=True).order_by("version")) == [1, 2]


def test_import_refuses_bad_maxima_naming_the_part(client, dost_admin):
    wb = openpyxl.load_workbook(io.BytesIO(sheets.template()))
    ws = wb.active
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "C" and row[4].value == 10:  # "Cảm quan: rất tốt" 10 -> 12
            row[4].value = 12
    out = io.BytesIO()
    wb.save(out)
    client.force_login(dost_admin)
    html = client.post(reverse("ocop:sheets"), _upload(out.getvalue())).content.decode()
    assert "Phần C: tổng điểm tối đa là 37, phải là 35." in html
    assert not ScoreSheet.objects.exists()


def test_import_refuses_a_bad_row_and_a_file_that_is_not_xlsx(client, dost_admin):
    wb = openpyxl.load_workbook(io.BytesIO(sheets.template()))
    wb.active["E3"] = "nhiều"
    out = io.BytesIO()
    wb.save(out)
    client.force_login(dost_admin)
    html = client.post(reverse("ocop:sheets"), _upload(out.getvalue())).content.decode()
    assert "Dòng 3: cột “Điểm” phải là số." in html
    html = client.post(reverse("ocop:sheets"), _upload(b"not a spreadsheet")).content.decode()
    assert "Không đọc được tệp" in html
    assert not ScoreSheet.objects.exists()


def test_only_dost_imports_sheets(client, commune_officer):
    client.force_login(commune_officer)
    assert client.get(reverse("ocop:sheets")).status_code == 403
