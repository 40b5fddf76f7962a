"""DOST's pages: hubs on and off, queue depth and last success, each record's state, the
24-hour flag on the front page; /healthz; what a business sees of its own records."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from txng.audit.models import AuditEntry
from txng.national import deliver
from txng.national.models import Hub, OutboxRow, SyncState

pytestmark = pytest.mark.django_db


def test_dost_turns_a_hub_off_and_on_and_it_is_audited(client, dost_admin, nbc, lot):
    client.force_login(dost_admin)
    client.post(reverse("national:hub_toggle", args=[nbc.pk]), {"enabled": "0"})
    assert not Hub.objects.get(pk=nbc.pk).enabled
    client.post(reverse("national:hub_toggle", args=[nbc.pk]), {"enabled": "1"})
    assert Hub.objects.get(pk=nbc.pk).enabled
    assert AuditEntry.objects.filter(action="national.hub_toggle").count() == 2


def test_only_dost_opens_the_hubs_page(client, dept_officer, biz_owner, nbc):
    for user in (dept_officer, biz_owner):
        client.force_login(user)
        assert client.get(reverse("national:hubs")).status_code == 403


def test_the_hubs_page_shows_queue_depth_and_last_success(client, dost_admin, nbc, lot, biz_owner):
    from txng.tracing import actions as tracing

    deliver.run_once()
    tracing.finish_lot(lot, actor=biz_owner)
    client.force_login(dost_admin)
    page = client.get(reverse("national:hubs")).content.decode()
    nbc.refresh_from_db()
    assert timezone.localtime(nbc.last_success_at).strftime("%d/%m/%Y %H:%M") in page
    assert '<td data-label="Đang chờ">1</td>' in page


def test_healthz_reports_each_enabled_hubs_queue_and_last_success(client, nbc, lot):
    deliver.run_once()
    body = client.get(reverse("public:healthz")).json()
    assert body["status"] == "ok"
    assert body["hubs"]["nbc"]["queue"] == 0
    assert body["hubs"]["nbc"]["last_success"]


def test_a_record_not_accepted_within_24_hours_is_flagged_on_dosts_front_page(
    client, dost_admin, nbc, lot, hub_emulator
):
    hub_emulator.control(mode="refuse")
    deliver.run_once()
    client.force_login(dost_admin)
    label = "bản ghi chưa được hệ thống quốc gia tiếp nhận sau 24 giờ"
    home = client.get(reverse("accounts:home")).content.decode()
    assert label in home
    assert '<strong class="figure">0</strong>' in home or "0" in home
    OutboxRow.objects.update(created_at=timezone.now() - timedelta(hours=25))
    from txng.national.dashboard import tiles

    late = next(t for t in tiles(dost_admin) if "24" in str(t[1]))
    assert late[0] == 1
    listed = client.get(reverse("national:rows") + "?late=1").content.decode()
    assert "HD-01" in listed and "Bị từ chối" in listed


def test_an_accepted_record_is_not_flagged_however_old(dost_admin, nbc, lot):
    deliver.run_once()
    OutboxRow.objects.update(created_at=timezone.now() - timedelta(days=3))
    from txng.national.dashboard import tiles

    assert next(t for t in tiles(dost_admin) if "24" in str(t[1]))[0] == 0


def test_a_business_sees_its_records_state_on_each_hub_and_not_anothers(
    client, biz_owner, other_biz, nbc, epcis_hub, lot, hub_emulator
):
    hub_emulator.control(jobs_running=True)
    deliver.run_once()
    url = reverse("national:record", args=["lot", lot.pk])
    client.force_login(biz_owner)
    page = client.get(url).content.decode()
    assert "Đã được tiếp nhận" in page and "Đã gửi, chờ tiếp nhận" in page
    client.force_login(other_biz)
    assert client.get(url).status_code == 404
    assert "HD-01" not in client.get(reverse("national:rows")).content.decode()


def test_dost_fixes_a_refused_row_from_its_page(client, dost_admin, nbc, lot, hub_emulator):
    hub_emulator.control(mode="refuse")
    deliver.run_once()
    row = OutboxRow.objects.get()
    client.force_login(dost_admin)
    bad = client.post(reverse("national:row", args=[row.pk]), {"payload": "{không phải json"})
    assert "Dữ liệu gửi đi không phải JSON hợp lệ." in bad.content.decode()
    hub_emulator.control(mode="accept")
    client.post(reverse("national:row", args=[row.pk]), {"payload": '{"traceCode": "X"}'})
    deliver.run_once()
    row.refresh_from_db()
    assert row.state == SyncState.ACCEPTED
    assert hub_emulator.received()["deliveries"][0]["body"] == {"traceCode": "X"}
    assert AuditEntry.objects.filter(action="national.fix").exists()


def test_the_product_page_links_its_passport(client, product):
    page = client.get(product.get_absolute_url()).content.decode()
    assert reverse("national:passport", args=[product.pk]) in page


def test_the_scan_page_links_the_lots_passport_without_a_query(rf, lot, django_assert_num_queries):
    from txng.national.slots import scan

    request = rf.get("/q/x")
    with django_assert_num_queries(0):
        html = scan(request, product=lot.product, lot=lot, product_public=True)
    assert reverse("national:passport_lot", args=[lot.trace_code]) in html
    assert scan(request, product=lot.product, lot=lot, product_public=False) is None


def test_the_workspace_lot_page_links_its_sync_state(client, biz_owner, nbc, lot):
    client.force_login(biz_owner)
    page = client.get(reverse("tracing:lot", args=[lot.pk])).content.decode()
    assert reverse("national:record", args=["lot", lot.pk]) in page


def test_dost_is_told_when_a_hub_refuses_a_record(dost_admin, nbc, lot, hub_emulator):
    from txng.accounts.models import Notification

    hub_emulator.control(mode="refuse")
    deliver.run_once()
    note = Notification.objects.get(organisation=dost_admin.organisation)
    assert note.kind == "hub_failed" and "GTIN CheckDigit" in note.message
