"""Operations: the protected metrics endpoint, request ids in JSON logs, the DOST status page,
the replica router's read-your-writes and the media backup."""

import json
import logging

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from txng.national.models import Hub, OutboxRow, SyncState
from txng.ops.logs import JsonFormatter, RequestIdFilter, RequestIdMiddleware
from txng.stamps.models import Scan, ScanResult

pytestmark = pytest.mark.django_db


def test_metrics_are_refused_without_the_token(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404


def test_metrics_are_off_when_no_token_is_set(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_metrics_with_the_token_show_requests_tasks_and_scans(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    Scan.objects.create(code="ABC", result=ScanResult.UNKNOWN)
    client.get("/healthz")
    body = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token").content.decode()
    assert "django_http_requests_total_by_method_total" in body
    assert 'txng_tasks{state="READY"}' in body
    assert "txng_scans_last_minute 1.0" in body


def test_a_request_gets_an_id_echoed_and_carried_in_json_log_lines(caplog):
    seen = {}

    def view(request):
        record = logging.LogRecord("txng", logging.INFO, __file__, 1, "hello %s", ("world",), None)
        RequestIdFilter().filter(record)
        seen["line"] = JsonFormatter().format(record)
        from django.http import HttpResponse

        return HttpResponse("ok")

    given = RequestFactory().get("/", HTTP_X_REQUEST_ID="abcdef0123456789")
    response = RequestIdMiddleware(view)(given)
    assert response["X-Request-ID"] == "abcdef0123456789"
    line = json.loads(seen["line"])
    assert line["request_id"] == "abcdef0123456789" and line["message"] == "hello world"


def test_a_request_id_that_could_forge_log_lines_is_replaced():
    given = RequestFactory().get("/", HTTP_X_REQUEST_ID='x"\n{"level": "forged"}')
    response = RequestIdMiddleware(lambda r: __import__("django.http").http.HttpResponse())(given)
    assert response["X-Request-ID"] != given.headers["X-Request-ID"]
    assert len(response["X-Request-ID"]) == 32


def test_the_status_page_is_for_dost_only(client, dost_admin, biz_owner, settings):
    settings.OFFICIALS_REQUIRE_2FA = False
    client.force_login(biz_owner)
    assert client.get("/manage/status/").status_code == 403
    client.force_login(dost_admin)
    page = client.get("/manage/status/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Cơ sở dữ liệu" in text and "Hàng đợi tác vụ nền" in text


def test_backup_media_copies_every_stored_file(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    name = default_storage.save("private/licence.pdf", ContentFile(b"%PDF-1.4 test"))
    call_command("backup_media", str(tmp_path / "backup"))
    assert (tmp_path / "backup" / name).read_bytes() == b"%PDF-1.4 test"


def test_metrics_show_each_hubs_outbox_waiting_and_dead(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    nbc = Hub.objects.create(code="nbc", name="Cổng quốc gia", adapter="nbc", enabled=True)
    Hub.objects.create(code="tay", name="Tệp", adapter="file", enabled=False)
    for i, state in enumerate(["waiting", "sent", "dead", "refused", "accepted"]):
        OutboxRow.objects.create(
            hub=nbc,
            record_type="lot",
            record_id=1,
            change="tracing.create_lot",
            seq=i + 1,
            idempotency_key=f"k{i}",
            state=SyncState(state),
            next_attempt_at=timezone.now(),
        )
    body = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token").content.decode()
    assert 'txng_national_outbox_waiting{enabled="1",hub="nbc"} 2.0' in body
    assert 'txng_national_outbox_dead{enabled="1",hub="nbc"} 2.0' in body
    assert 'txng_national_outbox_waiting{enabled="0",hub="tay"} 0.0' in body
