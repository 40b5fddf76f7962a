import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from txng.accounts.tests.factories import AuthorityFactory, UserFactory
from txng.audit.models import AuditEntry
from txng.reports import actions
from txng.reports.models import ExportJob, ExportKind, ExportState
from txng.reports.tasks import run_export
from txng.tracing import actions as tracing
from txng.tracing.models import EventLot

pytestmark = pytest.mark.django_db


@pytest.fixture
def recall(chain, dept_officer):
    return tracing.recall_lots([chain["lot"]], actor=dept_officer, reason="Nghi nhiễm nấm mốc")


def _sheet(job):
    job.refresh_from_db()
    book = load_workbook(job.xlsx.open("rb"))
    rows = list(book.active.iter_rows(values_only=True))
    return rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]], book.active


def test_recall_export_has_one_row_per_event_of_the_chain(recall, chain, dost_admin):
    job = actions.request_export(
        actor=dost_admin, kind=ExportKind.REGULATOR, source="recall", source_id=recall.pk
    )
    run_export(job.pk)
    head, rows, sheet = _sheet(job)
    traced = {chain["lot"].pk}
    chain["shipment"].refresh_from_db()
    traced.add(chain["shipment"].received_lot_id)
    expected = EventLot.objects.filter(lot__in=traced, event__declares_error_on__isnull=True)
    assert len(rows) == expected.count()
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet.freeze_panes == "A2"
    shipped = [r for r in rows if r["Số hóa đơn"] == "HD-0042"]
    assert shipped, "the shipping and receiving events carry the invoice"
    assert {r["Bên nhận"] for r in shipped} == {"Công ty Non Nước"}
    assert {r["Bên giao"] for r in shipped} == {"HTX Hạt dẻ Trùng Khánh"}
    first = rows[0]
    assert first["Sản phẩm"] == "Hạt dẻ rang"
    assert first["Mã truy vết sản phẩm"] == chain["lot"].trace_code
    assert first["Mã số thuế"] == chain["lot"].business.tax_code
    assert first["Mã truy vết địa điểm"]
    times = [r["Thời điểm sự kiện"] for r in rows]
    assert times == sorted(times)
    job.refresh_from_db()
    assert job.state == ExportState.DONE and job.percent == 100
    text = job.csv.open("rb").read().decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(text)))) == len(rows) + 1


def test_export_is_filtered_by_business(recall, dost_admin):
    job = actions.request_export(
        actor=dost_admin,
        kind=ExportKind.REGULATOR,
        source="recall",
        source_id=recall.pk,
        params={"business": "Non Nước"},
    )
    run_export(job.pk)
    _head, rows, _sheet_ = _sheet(job)
    assert rows and {r["Cơ sở"] for r in rows} == {"Công ty Non Nước"}


def test_export_keeps_to_what_the_official_may_see(recall, chain, commune_officer, dost_admin):
    # The commune manages the shipper, not the receiver in another commune: it sees the
    # shipper's lot (and who received it), not the receiver's own lot.
    chain["shipment"].refresh_from_db()
    received = chain["shipment"].received_lot.trace_code
    seen = {}
    for who in (commune_officer, dost_admin):
        job = actions.request_export(
            actor=who, kind=ExportKind.REGULATOR, source="recall", source_id=recall.pk
        )
        run_export(job.pk)
        seen[who] = {r["Mã truy vết sản phẩm"] for r in _sheet(job)[1]}
    assert chain["lot"].trace_code in seen[commune_officer]
    assert received not in seen[commune_officer]
    assert received in seen[dost_admin]


def test_one_click_from_a_recall_queues_the_export_and_audits(client, recall, dept_officer):
    client.force_login(dept_officer)
    url = reverse("reports:export_new", args=["recall", recall.pk])
    assert "Xuất XLSX và CSV" in client.get(url).content.decode()
    response = client.post(url, {"date_from": "", "date_to": ""})
    job = ExportJob.objects.get()
    assert response.url == reverse("reports:export", args=[job.pk])
    assert AuditEntry.objects.filter(action="reports.export_request").exists()
    page = client.get(response.url).content.decode()
    assert "<progress" in page


def test_date_range_must_run_forwards(client, recall, dept_officer):
    client.force_login(dept_officer)
    url = reverse("reports:export_new", args=["recall", recall.pk])
    response = client.post(url, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert "Ngày bắt đầu phải trước ngày kết thúc" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_an_outsider_cannot_export_a_recall_they_do_not_see(client, recall):
    stranger = UserFactory(
        organisation=AuthorityFactory(kind="commune", name="Xã Khác"), role="officer"
    )
    client.force_login(stranger)
    response = client.get(reverse("reports:export_new", args=["recall", recall.pk]))
    assert response.status_code == 404


def test_files_are_only_for_the_requesters_organisation(client, recall, dept_officer, dost_admin):
    job = actions.request_export(
        actor=dept_officer, kind=ExportKind.REGULATOR, source="recall", source_id=recall.pk
    )
    run_export(job.pk)
    client.force_login(dost_admin)
    assert client.get(reverse("reports:export_file", args=[job.pk, "xlsx"])).status_code == 404
    client.force_login(dept_officer)
    response = client.get(reverse("reports:export_file", args=[job.pk, "xlsx"]))
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="reports.export_download").exists()


def test_request_export_starts_from_the_requested_business(chain, dept_officer, business):
    request = tracing.open_tracing_request(
        actor=dept_officer,
        business=business,
        subject="Lô LO-01",
        reason="Kiểm tra",
        lot=chain["lot"],
    )
    job = actions.request_export(
        actor=dept_officer, kind=ExportKind.REGULATOR, source="request", source_id=request.pk
    )
    run_export(job.pk)
    _head, rows, _s = _sheet(job)
    assert {r["Số lô"] for r in rows} >= {"LO-01"}


def test_business_exports_its_own_records_for_a_period(client, chain, biz_owner):
    client.force_login(biz_owner)
    url = reverse("reports:my_export")
    bad = client.post(url, {"date_from": "", "date_to": ""})
    assert "Chọn từ ngày và đến ngày" in bad.content.decode()
    client.post(url, {"date_from": "2020-01-01", "date_to": "2100-01-01"})
    job = ExportJob.objects.get()
    run_export(job.pk)
    _head, rows, _s = _sheet(job)
    assert rows
    assert {r["Cơ sở"] for r in rows} == {"HTX Hạt dẻ Trùng Khánh"}
    empty = actions.request_export(
        actor=biz_owner,
        kind=ExportKind.BUSINESS,
        params={"date_from": "2000-01-01", "date_to": "2000-12-31"},
    )
    run_export(empty.pk)
    assert _sheet(empty)[1] == []


def test_formula_like_text_stays_text(recall, dost_admin, biz_owner, chain):
    lot = tracing.create_lot(
        actor=biz_owner,
        product=chain["product"],
        code="LO-09",
        quantity=1,
        supplier_name="=HYPERLINK(1)",
    )
    job = actions.request_export(actor=biz_owner, kind=ExportKind.BUSINESS, params={})
    run_export(job.pk)
    _head, rows, _s = _sheet(job)
    assert lot.code in {r["Số lô"] for r in rows}
    assert all(not str(v).startswith("=") for r in rows for v in r.values() if v)


def test_recall_page_offers_the_hand_over_to_officials_only(
    client, recall, dept_officer, biz_owner
):
    url = reverse("tracing:recall", args=[recall.pk])
    handover = reverse("reports:export_new", args=["recall", recall.pk])
    client.force_login(dept_officer)
    assert handover in client.get(url).content.decode()
    client.force_login(biz_owner)
    assert handover not in client.get(url).content.decode()
