"""The app in Debian's Chromium: installs, scans a QR from a fake camera, keeps a diary entry
made offline and sends it once online (once, even sent twice), warns of a recall in the scan
history, and shrinks photos before they are sent."""

import io
import os
from pathlib import Path

import pytest
import segno
import zxingcpp
from django.utils import timezone
from PIL import Image, ImageFilter
from playwright.sync_api import expect

from conftest import BROWSER_ARGS
from txng.accounts.tests.factories import PASSWORD
from txng.tracing import actions as tracing_actions
from txng.tracing.models import DiaryEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VENDOR = Path(__file__).resolve().parents[2] / "static" / "txng" / "vendor" / "zxing-reader.js"


def _login(page, user):
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


CACHED_BYTES = """caches.keys().then(names => Promise.all(names.map(n => caches.open(n)
  .then(c => c.keys().then(keys => Promise.all(keys.map(k => c.match(k)
  .then(r => r.blob()).then(b => b.size))))))))
  .then(all => all.flat().reduce((a, b) => a + b, 0))"""


def _controlled(page):
    """Wait until the service worker is active and controls the page."""
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    _wait_for_controller(page)


def _wait_for_controller(page):
    for _ in range(50):
        if page.evaluate("navigator.serviceWorker.controller !== null"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the service worker never took control of the page")


def _qr(text):
    """A QR code of `text` as segno draws it."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=8, border=4)
    return Image.open(buffer).convert("L")


def _zxing(content, barcode_format, **options):
    """A barcode zxing-cpp writes (EAN-13, GS1 DataMatrix...), with its quiet zone."""
    barcode = zxingcpp.create_barcode(content, barcode_format, **options)
    pixels = memoryview(barcode.to_image(scale=6 if barcode_format == zxingcpp.DataMatrix else 4))
    height, width = pixels.shape
    return barcode, Image.frombuffer("L", (width, height), bytes(pixels))


def _y4m(path, image, size=(480, 480), frames=3):
    """A short Y4M video of `image` on white (Chromium's fake camera loops it): 4:2:0 planes."""
    width, height = size
    scale = min((width - 80) / image.width, (height - 80) / image.height)
    image = image.resize((int(image.width * scale), int(image.height * scale)), Image.NEAREST)
    canvas = Image.new("L", size, 255)
    canvas.paste(image, ((width - image.width) // 2, (height - image.height) // 2))
    y = canvas.tobytes()
    chroma = bytes([128]) * (width // 2 * height // 2)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + y + chroma + chroma)


def test_app_installs_with_manifest_and_service_worker(phone, screenshot_dir):
    phone.goto("/app/")
    manifest = phone.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())"
    )
    assert manifest["name"] == "Truy xuất Cao Bằng" and manifest["display"] == "standalone"
    _controlled(phone)
    cached = phone.evaluate(
        "caches.keys().then(names => Promise.all(names.map(n => caches.open(n)"
        ".then(c => c.keys())))).then(all => all.flat().map(r => new URL(r.url).pathname))"
    )
    assert "/app/" in cached and any(p.endswith(".css") for p in cached)
    # Chromium's own verdict on installability (what makes it offer "Install app").
    cdp = phone.context.new_cdp_session(phone)
    # Playwright's contexts are incognito, which alone stops installing; nothing else may.
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == [], errors
    expect(phone.get_by_role("button", name="Mở camera để quét")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=screenshot_dir / "pwa-home-360.png", full_page=True)

    # The shell opens with no connection at all.
    phone.context.set_offline(True)
    phone.goto("/app/")
    expect(phone.get_by_role("heading", name="Quét tem, mã vạch sản phẩm")).to_be_visible()
    phone.context.set_offline(False)


@pytest.mark.skipif(not VENDOR.exists(), reason="run `make frontend` (npm) to build the decoder")
def test_camera_reads_a_stamp_qr_online_and_offline(
    browser, live_server, stamp, tmp_path, screenshot_dir
):
    video = tmp_path / "stamp.y4m"
    _y4m(video, _qr(f"{live_server.url}/q/{stamp.code}"))
    camera, page = _camera_page(browser, live_server, video)
    try:
        page.goto("/app/")
        _controlled(page)
        page.get_by_role("button", name="Mở camera để quét").click()
        page.wait_for_url(f"**/q/{stamp.code}", timeout=20_000)
        expect(page.get_by_role("heading", name="Tem chính hãng")).to_be_visible()
        page.goto("/app/")
        history = page.locator("[data-history]")
        expect(history).to_contain_text("Hạt dẻ Trùng Khánh")
        expect(history).to_contain_text("Tem chính hãng")
        page.screenshot(path=screenshot_dir / "pwa-history-360.png", full_page=True)

        # Offline: the screen and the decoder come from the cache, the code is kept...
        page.evaluate("localStorage.clear()")
        page.context.set_offline(True)
        page.goto("/app/")
        page.get_by_role("button", name="Mở camera để quét").click()
        expect(page.get_by_role("status")).to_contain_text("Chưa có mạng", timeout=20_000)
        expect(history).to_contain_text("chờ kiểm tra")
        # ...and answered when the connection returns.
        page.context.set_offline(False)
        expect(history).to_contain_text("Tem chính hãng", timeout=10_000)
        expect(history).to_contain_text("Hạt dẻ Trùng Khánh")

        # Everything the service worker keeps, the decoder's WebAssembly included.
        kept = page.evaluate(CACHED_BYTES)
        assert 900_000 < kept < 2 * 1024 * 1024, kept
    finally:
        camera.close()


def _camera_page(browser, live_server, video):
    camera = browser.browser_type.launch(
        executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        args=[
            *BROWSER_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    context = camera.new_context(
        viewport={"width": 360, "height": 740}, base_url=live_server.url, locale="vi-VN"
    )
    context.grant_permissions(["camera"])
    return camera, context.new_page()


@pytest.mark.skipif(not VENDOR.exists(), reason="run `make frontend` (npm) to build the decoder")
def test_camera_reads_a_pallet_label_and_opens_its_receipt(
    browser, live_server, lot, biz_owner, other_biz, tmp_path
):
    sscc = "389300000000000010"
    shipment = tracing_actions.ship(
        lot, actor=biz_owner, quantity=10, receiver=other_biz.organisation, sscc=sscc
    )
    video = tmp_path / "pallet.y4m"
    _y4m(video, _qr(f"https://id.gs1.org/00/{sscc}"))
    camera, page = _camera_page(browser, live_server, video)
    try:
        _login(page, other_biz)
        page.goto("/nhan-hang/")
        page.get_by_role("button", name="Quét nhãn SSCC bằng camera").click()
        page.wait_for_url(f"**/nhan-hang/{shipment.pk}/", timeout=20_000)
        expect(page.get_by_role("heading", name="Xác nhận nhận hàng")).to_be_visible()
    finally:
        camera.close()


@pytest.mark.skipif(not VENDOR.exists(), reason="run `make frontend` (npm) to build the decoder")
def test_camera_reads_a_gs1_datamatrix_and_opens_the_stamps_scan_page(
    browser, live_server, stamp, lot, product, tmp_path
):
    # The stamp's GS1 element string: GTIN, lot and (AI 21) the code without its check
    # character, as its Digital Link carries it; FNC1 first and a GS after the lot.
    serial = stamp.code[:-1]
    barcode, image = _zxing(
        f"(01){product.gtin}(10){lot.code}(21){serial}", zxingcpp.DataMatrix, gs1=True
    )
    assert barcode.symbology_identifier == "]d2" and b"\x1d21" in barcode.bytes
    video = tmp_path / "datamatrix.y4m"
    _y4m(video, image)
    camera, page = _camera_page(browser, live_server, video)
    try:
        page.goto("/app/")
        page.get_by_role("button", name="Mở camera để quét").click()
        page.wait_for_url(f"**/01/{product.gtin}/10/{lot.code}/21/{serial}", timeout=20_000)
        expect(page.get_by_role("heading", name="Tem chính hãng")).to_be_visible()
        # The history keeps the stamp under its own code, so the recall check finds it.
        assert page.evaluate("txngHistory.list()[0].code") == stamp.code
    finally:
        camera.close()


@pytest.mark.skipif(not VENDOR.exists(), reason="run `make frontend` (npm) to build the decoder")
def test_camera_reads_a_products_ean13_and_opens_the_product(
    browser, live_server, product, tmp_path
):
    barcode, image = _zxing(product.gtin.lstrip("0"), zxingcpp.EAN13)
    assert barcode.format == zxingcpp.EAN13
    video = tmp_path / "ean13.y4m"
    _y4m(video, image, size=(640, 480))
    camera, page = _camera_page(browser, live_server, video)
    try:
        page.goto("/app/")
        page.get_by_role("button", name="Mở camera để quét").click()
        page.wait_for_url(f"**{product.get_absolute_url()}", timeout=20_000)
        expect(page.get_by_role("heading", name="Hạt dẻ Trùng Khánh", level=1)).to_be_visible()
    finally:
        camera.close()


def test_gs1_element_strings_are_read_as_zxing_and_barcodedetector_give_them(phone):
    phone.goto("/app/")
    read = phone.evaluate(
        """[
          "(01)08934567890007(10)HD-01(21)ABC",
          "]d2010893456789000717261231" + "10HD-01\x1d21ABC",
          "\x1d0108934567890007" + "21ABC",
          "0108934567890007",
          "8934567890007",
          "(00)389300000000000010",
          "(01)0893456789000",
        ].map(t => txngBarcode.gs1(t))"""
    )
    whole = {"01": "08934567890007", "10": "HD-01", "21": "ABC"}
    assert read[0] == whole
    assert read[1] == {**whole, "17": "261231"}
    assert read[2] == {"01": "08934567890007", "21": "ABC"}
    assert read[3] == {"01": "08934567890007"}
    assert read[4] is None  # a bare EAN-13 is a GTIN, not an element string
    assert read[5] == {"00": "389300000000000010"}
    assert read[6] is None  # a GTIN one digit short


def test_scan_page_first_load_is_under_100_kb_without_images(phone, stamp):
    """Everything a phone fetches on its first scan, the service worker's caching of the app's
    shell included, uncompressed (the test server does not gzip, production does)."""
    fetched = []
    phone.context.on("requestfinished", lambda request: fetched.append(request))
    phone.goto(f"/q/{stamp.code}")
    expect(phone.get_by_role("heading", name="Tem chính hãng")).to_be_visible()
    # The worker registers once the page has loaded and caches its shell before it is ready.
    phone.evaluate("navigator.serviceWorker.ready")
    phone.wait_for_load_state("networkidle")
    urls = [r.url for r in fetched]
    assert any(u.endswith("/app/") for u in urls), urls  # the shell was cached meanwhile
    # The decoder is fetched only when someone taps scan.
    assert not any("zxing" in u for u in urls), urls
    # Each file once at its full size: a copy answered from a cache, or a script the worker
    # imports, reports 0 bytes, so those are fetched again here to be counted.
    sizes = {}
    for request in fetched:
        if request.resource_type == "image" or request.url.endswith((".png", ".jpg", ".svg")):
            continue
        size = request.sizes()["responseBodySize"]
        sizes[request.url] = max(sizes.get(request.url, 0), size)
    for url, size in sizes.items():
        if not size:
            sizes[url] = len(phone.request.get(url).body())
    assert any(url.endswith("site.css") for url in sizes), sizes
    assert sum(sizes.values()) < 100 * 1024, sorted(sizes.items(), key=lambda kv: -kv[1])


def test_recalled_product_in_history_shows_warning(phone, stamp, lot, biz_owner, screenshot_dir):
    phone.goto(f"/q/{stamp.code}")
    expect(phone.get_by_role("heading", name="Tem chính hãng")).to_be_visible()
    tracing_actions.recall_lots([lot], actor=biz_owner, reason="Phát hiện nấm mốc trong lô")
    phone.goto("/app/")
    warning = phone.locator("[data-recalls]")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Hạt dẻ Trùng Khánh")
    expect(warning).to_contain_text("Phát hiện nấm mốc trong lô")
    expect(phone.locator("[data-history]")).to_contain_text("Đã bị thu hồi")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=screenshot_dir / "pwa-recall-360.png", full_page=True)


def _first_try_fails(page, pattern):
    """The first request to `pattern` (the page's or its service worker's) fails as with no
    connection; the next ones go through. Returns the list of tries."""
    tries = []

    def first_fails(route):
        tries.append(route.request.url)
        if len(tries) == 1:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.context.route(pattern, first_fails)
    return tries


def _diary_kept_offline(phone, lot, user, notes):
    """Log in, open the lot with the service worker in control, go offline and save a diary
    entry: it waits on the phone. Returns the outbox."""
    _login(phone, user)
    phone.goto(f"/lo-hang/{lot.pk}/")
    _controlled(phone)
    phone.context.set_offline(True)
    phone.select_option("#id_diary-stage_kind", "harvest")
    phone.fill("#id_diary-notes", notes)
    phone.get_by_role("button", name="Ghi nhật ký").click()
    outbox = phone.locator("[data-outbox]").first
    expect(outbox).to_contain_text("đang chờ gửi")
    return outbox


def test_history_check_that_fails_is_tried_again(phone, stamp):
    """A scan kept while offline gets its verdict even when the first check online fails."""
    phone.goto("/app/")
    phone.evaluate(
        "code => localStorage.setItem('txng-history', JSON.stringify("
        "[{code: code, name: '', url: '/q/' + code, at: new Date().toISOString()}]))",
        stamp.code,
    )
    tries = _first_try_fails(phone, "**/app/kiem-tra/*")
    phone.reload()
    history = phone.locator("[data-history]")
    expect(history).to_contain_text("Tem chính hãng", timeout=15_000)
    expect(history).to_contain_text("Hạt dẻ Trùng Khánh")
    assert len(tries) >= 2


def test_diary_made_offline_is_sent_online_and_stored_once(
    phone, lot, biz_owner, live_server, screenshot_dir
):
    outbox = _diary_kept_offline(phone, lot, biz_owner, "Ghi trên nương, không có sóng")
    # The button was at the form's foot: the screen shows where the entry now waits.
    expect(outbox).to_be_in_viewport()
    phone.screenshot(path=screenshot_dir / "pwa-outbox-360.png")
    assert not DiaryEntry.objects.filter(notes="Ghi trên nương, không có sóng").exists()
    # A copy, to send the same entry (same key) a second time as after a lost answer.
    phone.evaluate("txngOutbox.all().then(rows => { window.copy = rows[0]; })")

    phone.context.set_offline(False)
    expect(outbox).to_contain_text("đã gửi", timeout=15_000)
    # The ✕ that hides the sent entry follows its text, not a full-width row of its own.
    hide = outbox.get_by_role("button", name="Ẩn")
    assert hide.bounding_box()["width"] < 60, hide.bounding_box()
    entries = DiaryEntry.objects.filter(notes="Ghi trên nương, không có sóng")
    assert entries.count() == 1
    assert abs((timezone.now() - entries.get().time).total_seconds()) < 180

    phone.evaluate("txngOutbox.put(window.copy).then(() => txngOutbox.flush('/app/csrf/'))")
    state = phone.evaluate("txngOutbox.all().then(rows => rows.map(r => r.state))")
    assert state == ["sent"]
    assert entries.count() == 1


def test_diary_waiting_is_sent_even_when_the_first_try_online_fails(phone, lot, biz_owner):
    """The "online" event can come before the connection works: the phone tries again."""
    outbox = _diary_kept_offline(phone, lot, biz_owner, "Gửi lại sau lần đầu hỏng")
    tries = _first_try_fails(phone, "**/app/csrf/")
    phone.context.set_offline(False)
    expect(outbox).to_contain_text("đã gửi", timeout=15_000)
    assert len(tries) >= 2
    assert DiaryEntry.objects.filter(notes="Gửi lại sau lần đầu hỏng").count() == 1


def test_photo_is_shrunk_on_the_phone_before_upload(phone, lot, biz_owner, tmp_path):
    noise = Image.effect_noise((4000, 3000), 60).filter(ImageFilter.GaussianBlur(2))
    gradient = Image.linear_gradient("L").resize((4000, 3000))
    photo = Image.merge("RGB", (noise, gradient, Image.blend(noise, gradient, 0.5)))
    path = tmp_path / "IMG_0001.jpg"
    photo.save(path, "JPEG", quality=95)
    assert path.stat().st_size > 1_000_000
    _login(phone, biz_owner)
    phone.goto(f"/lo-hang/{lot.pk}/")
    phone.set_input_files("#id_diary-photo", str(path))
    expect(phone.locator("#id_diary-photo")).to_have_attribute("data-shrunk", "1")
    size, kind = phone.evaluate(
        "(() => { const f = document.querySelector('#id_diary-photo').files[0];"
        " return [f.size, f.type]; })()"
    )
    assert size < 500 * 1024 and kind == "image/jpeg"
