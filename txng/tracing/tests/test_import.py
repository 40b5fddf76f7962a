import io
import re
import time
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from txng.tracing import importer
from txng.tracing.importer import read_rows, run_job
from txng.tracing.models import ImportJob, Lot, Shipment

pytestmark = pytest.mark.django_db


def _csv(text):
    return SimpleUploadedFile("data.csv", text.encode("utf-8-sig"), content_type="text/csv")


def _work():
    """What the db_worker does with every queued import."""
    for job in ImportJob.objects.filter(state="queued"):
        run_job(job)


def _xlsx(far_row, dimension, pad_bytes=0):
    """A tiny workbook with a header, one cell at `far_row`, and a declared `dimension`."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Sản phẩm", "Số lô", "Số lượng"])
    sheet.cell(row=far_row, column=1, value="x")
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="%s"' % dimension, data)
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * pad_bytes)
            dst.writestr(item.filename, data)
    return out.getvalue()


def test_template_downloads_with_headers(client, biz_owner):
    client.force_login(biz_owner)
    response = client.get(reverse("tracing:import_template", args=["lots"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:3] == ["Sản phẩm*", "Số lô*", "Số lượng*"]


def test_valid_csv_imports_every_row(client, biz_owner, product):
    client.force_login(biz_owner)
    data = (
        "Sản phẩm,Số lô,Số lượng,Đơn vị,Ngày sản xuất\n"
        f"{product.name},A-1,10,kg,01/10/2026\n"
        f'{product.name},A-2,"2,5",kg,2026-10-02\n'
    )
    response = client.post(reverse("tracing:import"), {"kind": "lots", "file": _csv(data)})
    _work()
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.state == "done", job.errors
    assert Lot.objects.get(code="A-2").in_stock == 2.5


def test_one_bad_row_imports_nothing_and_names_row_and_column(client, biz_owner, product):
    client.force_login(biz_owner)
    data = (
        "Sản phẩm,Số lô,Số lượng\n"
        f"{product.name},B-1,10\n"
        f"{product.name},B-2,mười\n"
        f"Không tồn tại,B-3,1\n"
    )
    client.post(reverse("tracing:import"), {"kind": "lots", "file": _csv(data)})
    _work()
    job = ImportJob.objects.get()
    assert job.state == "failed"
    assert {(e["row"], e["column"]) for e in job.errors} == {(3, "Số lượng"), (4, "Sản phẩm")}
    assert not Lot.objects.filter(code__startswith="B-").exists()
    page = client.get(reverse("tracing:import_job", args=[job.pk])).content.decode()
    assert "không phải số" in page


def test_shipments_checked_together_against_stock(client, biz_owner, lot):
    client.force_login(biz_owner)
    today = timezone.localdate().strftime("%d/%m/%Y")  # not before the lot was made
    data = (
        "Sản phẩm,Số lô,Số lượng,Ngày xuất,Tên bên nhận\n"
        f"{lot.product.name},HD-01,60,{today},Chợ A\n"
        f"{lot.product.name},HD-01,60,{today},Chợ B\n"
    )
    client.post(reverse("tracing:import"), {"kind": "shipments", "file": _csv(data)})
    _work()
    job = ImportJob.objects.get()
    assert [e["row"] for e in job.errors] == [3]
    assert not Shipment.objects.exists()


def test_import_pages_refuse_outsiders(client, other_biz, biz_owner, product, consumer):
    client.force_login(biz_owner)
    client.post(reverse("tracing:import"), {"kind": "lots", "file": _csv("Sản phẩm\n")})
    job = ImportJob.objects.get()
    client.force_login(other_biz)
    assert client.get(reverse("tracing:import_job", args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("tracing:import")).status_code == 302


def test_the_request_never_parses_the_file_the_worker_does(client, biz_owner, product, monkeypatch):
    def no_parsing(*args):
        raise AssertionError("parsed in the request")

    monkeypatch.setattr(importer, "read_rows", no_parsing)
    client.force_login(biz_owner)
    rows = "".join(f"{product.name},W-{i},1\n" for i in range(3))
    client.post(
        reverse("tracing:import"),
        {"kind": "lots", "file": _csv("Sản phẩm,Số lô,Số lượng\n" + rows)},
    )
    job = ImportJob.objects.get()
    assert job.state == "queued" and not Lot.objects.filter(code__startswith="W-").exists()
    page = client.get(reverse("tracing:import_job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page
    monkeypatch.undo()
    _work()
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == ("done", 3, 3)
    assert Lot.objects.filter(code__startswith="W-").count() == 3


def test_sheet_declaring_16384_columns_is_read_only_as_wide_as_the_template():
    data = _xlsx(300, b"A1:XFD300")
    tracemalloc.start()
    try:
        rows = read_rows(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(rows) == 300 and rows[-1][0] == "x"
    # Before: every row padded to 16,384 cells, 40 MB for 300 rows (250 MB for 2,000).
    assert peak < 5 * 1024 * 1024, peak


def test_cell_at_the_last_excel_row_stops_reading_at_the_row_limit(monkeypatch):
    monkeypatch.setattr(importer, "MAX_ROWS", 100)
    data = _xlsx(1_048_576, b"A1:XFD1048576")
    assert len(data) < 10_000
    started = time.monotonic()
    with pytest.raises(ValidationError, match="Tối đa 100 dòng"):
        read_rows(data)
    assert time.monotonic() - started < 2


def test_xlsx_unzipping_past_the_limit_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(importer, "MAX_UNZIPPED_MEMBER", 1024 * 1024)
    data = _xlsx(2, b"A1:C2", pad_bytes=2 * 1024 * 1024)
    assert len(data) < 20_000
    with pytest.raises(ValidationError, match="giải nén quá lớn"):
        read_rows(data)


def test_parser_error_ends_the_job_failed_in_vietnamese_and_deletes_the_file(
    client, biz_owner, product
):
    client.force_login(biz_owner)
    data = f'Sản phẩm,Số lô,Số lượng\n{product.name},"{"x" * 140_000}",1\n'
    client.post(reverse("tracing:import"), {"kind": "lots", "file": _csv(data)})
    job = ImportJob.objects.get()
    name = job.file.name
    assert default_storage.exists(name)
    _work()
    job.refresh_from_db()
    assert job.state == "failed"
    assert "Không đọc được tệp CSV" in job.errors[0]["message"]
    assert not default_storage.exists(name) and not job.file


def test_unexpected_error_still_ends_the_job_failed(client, biz_owner, product, monkeypatch):
    def broken(*args):
        raise KeyError("surprise")

    monkeypatch.setattr(importer, "read_rows", broken)
    client.force_login(biz_owner)
    client.post(reverse("tracing:import"), {"kind": "lots", "file": _csv("Sản phẩm\nA\n")})
    _work()
    job = ImportJob.objects.get()
    assert job.state == "failed" and "Không xử lý được tệp" in job.errors[0]["message"]
