from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from txng.stamps import public_views
from txng.stamps.models import StampState
from txng.stamps.tests.factories import OrderFactory, make_stamps
from txng.tracing.models import Lot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def activated(product, lot):
    order = OrderFactory(product=product, lot=lot, quantity=2, state="ready")
    return make_stamps(order, state=StampState.ACTIVATED, lot=lot)[0]


def fake_timeline(lot):
    # Until tracing's public_timeline is on main, stand in with its documented shape.
    t = timezone.make_aware(datetime(2026, 9, 1, 8, 0))
    return [
        SimpleNamespace(
            time=t,
            title="Thu hoạch hạt dẻ",
            business="HTX Hạt dẻ Trùng Khánh",
            place="Vùng trồng Đình Phong",
            detail="",
        ),
        SimpleNamespace(
            time=t + timedelta(days=3),
            title="Sấy và đóng gói",
            business="HTX Hạt dẻ Trùng Khánh",
            place="Xưởng Trùng Khánh",
            detail="",
        ),
    ]


def test_phone_scan_shows_product_lot_timeline_then_recall(
    phone, activated, screenshot_dir, monkeypatch
):
    monkeypatch.setattr(public_views, "public_timeline", fake_timeline)
    phone.goto(f"/q/{activated.code}")
    expect(phone.get_by_role("heading", name="Hạt dẻ Trùng Khánh")).to_be_visible()
    expect(phone.get_by_text("HD-2026-01", exact=True)).to_be_visible()
    expect(phone.get_by_role("heading", name="Hành trình sản phẩm")).to_be_visible()
    expect(phone.get_by_text("Sấy và đóng gói")).to_be_visible()
    expect(phone.get_by_role("alert")).to_have_count(0)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the scan page must not scroll sideways on a phone"
    phone.screenshot(path=screenshot_dir / "stamps-scan-360.png", full_page=True)

    recall = SimpleNamespace(reason="Phát hiện nấm mốc trong lô", created_at=timezone.now())
    monkeypatch.setattr(Lot, "active_recall", property(lambda self: recall), raising=False)
    phone.goto(f"/q/{activated.code}")
    alert = phone.get_by_role("alert")
    expect(alert).to_contain_text("Lô hàng này đã bị thu hồi")
    expect(alert).to_contain_text("Phát hiện nấm mốc trong lô")
    phone.screenshot(path=screenshot_dir / "stamps-scan-recalled-360.png", full_page=True)


def test_desktop_unknown_code_page(desktop, activated, screenshot_dir):
    desktop.goto("/q/0000000000000" + "00")
    expect(desktop.get_by_role("heading", name="Tem không do hệ thống này cấp")).to_be_visible()
    expect(desktop.get_by_role("link", name="Báo nghi hàng giả")).to_be_visible()
    desktop.screenshot(path=screenshot_dir / "stamps-unknown-1280.png", full_page=True)
