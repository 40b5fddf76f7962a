import io
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from txng.reports import actions, documents, tallies
from txng.reports.models import AgencyReport, PeriodKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(chain, dost_admin, commune, commune_officer, department):
    tallies.refresh()
    period = actions.open_period(
        actor=dost_admin, kind=PeriodKind.YEAR, year=timezone.localdate().year
    )
    period = actions.save_aggregate(
        period,
        actor=dost_admin,
        number="15/BC-SKHCN",
        summary="Hệ thống vận hành ổn định.",
        recipients="UBND tỉnh (b/c)\nLưu: VT",
        signer_title="GIÁM ĐỐC",
        signer_name="Nguyễn Văn Ký",
    )
    report = AgencyReport.objects.get(period=period, agency=commune)
    actions.submit_report(report, actor=commune_officer, situation="Xã đã hướng dẫn 1 HTX.")
    actions.accept_report(report, actor=dost_admin)
    return period


def test_docx_has_the_administrative_layout_and_the_figures(accepted):
    doc = Document(io.BytesIO(documents.docx_bytes(documents.aggregate(accepted))))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    everything = text + "\n" + "\n".join(cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in everything
    assert "Độc lập - Tự do - Hạnh phúc" in everything
    assert "Số: 15/BC-SKHCN" in everything
    assert "Nơi nhận:" in everything
    assert "Nguyễn Văn Ký" in everything
    assert "Xã đã hướng dẫn 1 HTX." in everything
    assert "Lượt quét tem" in cells
    assert cells[cells.index("Lượt quét tem") + 1] == "3"


def test_pdf_reads_back_with_vietnamese_text(accepted, tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(documents.pdf_bytes(documents.aggregate(accepted)))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Xã Trùng Khánh" in text
    assert "Lượt quét tem" in text


def test_xlsx_holds_sums_and_per_agency_rows(accepted):
    book = load_workbook(io.BytesIO(documents.xlsx_bytes(documents.aggregate(accepted))))
    sums = {row[1]: row[2] for row in book.worksheets[0].iter_rows(min_row=4, values_only=True)}
    assert sums["Lượt quét tem"] == 3
    assert sums["Đang công bố"] == 1
    agencies = {row[0]: row for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert agencies["Xã Trùng Khánh"][1] == "Đã tiếp nhận"
    assert agencies["Xã Trùng Khánh"][-1] == 3
    assert agencies["Sở Nông nghiệp và Môi trường"][1] == "Đang soạn"


def test_only_accepted_reports_are_summed(accepted, department, dept_officer):
    report = AgencyReport.objects.get(period=accepted, agency=department)
    actions.submit_report(report, actor=dept_officer, situation="Chưa duyệt")
    agg = documents.aggregate(accepted)
    assert dict(dict(agg.sums)["Tem QR trong kỳ"])["Lượt quét tem"] == 3


@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx"])
def test_dost_downloads_the_aggregate_and_it_is_audited(client, accepted, dost_admin, fmt):
    client.force_login(dost_admin)
    response = client.get(reverse("reports:aggregate", args=[accepted.pk, fmt]))
    assert response.status_code == 200
    assert response.content[:2] in (b"PK", b"%P")


def test_agencies_cannot_download_the_aggregate(client, accepted, commune_officer):
    client.force_login(commune_officer)
    assert client.get(reverse("reports:aggregate", args=[accepted.pk, "docx"])).status_code == 403


def test_yearly_implementation_report_uses_its_own_template(dost_admin, department):
    period = actions.open_period(actor=dost_admin, kind=PeriodKind.IMPLEMENTATION, year=2026)
    assert period.deadline.isoformat() == "2026-12-25"
    doc = Document(io.BytesIO(documents.docx_bytes(documents.aggregate(period))))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Kết quả thực hiện Quy định về truy xuất nguồn gốc" in text
    assert "Tình hình ứng dụng hệ thống" not in text
