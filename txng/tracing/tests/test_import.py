import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from txng.tracing.models import ImportJob, Lot, Shipment

pytestmark = pytest.mark.django_db


def _csv(text):
    return SimpleUploadedFile("data.csv", text.encode("utf-8-sig"), content_type="text/csv")


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


def test_large_file_goes_to_the_worker_and_reports_progress(
    client, biz_owner, product, monkeypatch
):
    from txng.tracing.actions import authority
    from txng.tracing.importer import run_job

    monkeypatch.setattr(authority, "INLINE_IMPORT_BYTES", 10)
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
    run_job(job)  # what the db_worker runs
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == ("done", 3, 3)
    assert Lot.objects.filter(code__startswith="W-").count() == 3
