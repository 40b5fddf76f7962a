import io
import json

import pytest
from django.urls import reverse
from PIL import Image

from txng.tracing import actions as tracing_actions

pytestmark = pytest.mark.django_db


def test_manifest_names_the_province_app_with_png_icons(client):
    response = client.get(reverse("pwa:manifest"))
    assert response["Content-Type"].startswith("application/manifest+json")
    data = json.loads(response.content)
    assert data["name"] == "Truy xuất Cao Bằng"
    assert data["display"] == "standalone" and data["start_url"].startswith("/app/")
    sizes = {i["sizes"] for i in data["icons"] if i["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes


def test_bac_ninh_app_is_bncheck(client, settings):
    settings.TXNG_PROVINCE = "bac-ninh"
    assert json.loads(client.get(reverse("pwa:manifest")).content)["name"] == "bncheck"


@pytest.mark.parametrize("size", [192, 512])
def test_icon_is_a_png_of_its_size(client, size):
    image = Image.open(io.BytesIO(client.get(reverse("pwa:icon", args=[size])).content))
    assert image.format == "PNG" and image.size == (size, size)


def test_unknown_icon_size_is_not_found(client):
    assert client.get("/app/icon-100.png").status_code == 404


def test_service_worker_is_served_for_the_whole_site_and_lists_the_shell(client):
    response = client.get(reverse("pwa:sw"))
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    body = response.content.decode()
    assert "/app/" in body and "txng/app.js" in body and "outbox.js" in body


def test_every_page_links_the_manifest(client):
    body = client.get("/").content.decode()
    assert 'rel="manifest"' in body and "txng/app.js" in body


def test_check_tells_a_recall_without_counting_a_scan(client, stamp, lot, biz_owner):
    tracing_actions.recall_lots([lot], actor=biz_owner, reason="Nhiễm nấm mốc")
    answer = client.get(reverse("pwa:check"), {"code": [stamp.code, "KHONGCO"]}).json()
    assert answer["stamps"][stamp.code]["verdict"] == "recalled"
    assert answer["stamps"][stamp.code]["recall_reason"] == "Nhiễm nấm mốc"
    assert "KHONGCO" not in answer["stamps"]
    stamp.refresh_from_db()
    assert stamp.scan_count == 0


def test_csrf_token_only_for_logged_in_people(client, login, biz_owner):
    assert client.get(reverse("pwa:csrf")).status_code == 403
    assert login(biz_owner).get(reverse("pwa:csrf")).json()["token"]


def test_check_reads_a_stamp_by_the_serial_its_digital_link_carries(client, stamp):
    # A DataMatrix scanned offline keeps AI 21: the code without its check character.
    serial = stamp.code[:-1]
    answer = client.get(reverse("pwa:check"), {"code": [serial]}).json()
    assert answer["stamps"][serial]["verdict"] == "genuine"
    assert answer["stamps"][serial]["url"] == reverse("stamps:scan", args=[stamp.code])
