import pytest
from playwright.sync_api import expect

from txng.stamps.models import StampState
from txng.stamps.tests.factories import OrderFactory, make_stamps
from txng.tracing import actions as tracing_actions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def activated(product, lot):
    order = OrderFactory(product=product, lot=lot, quantity=2, state="ready")
    return make_stamps(order, state=StampState.ACTIVATED, lot=lot)[0]


def test_phone_scan_shows_product_lot_timeline_then_recall(
    phone, activated, lot, biz_owner, screenshot_dir
):
    tracing_actions.add_diary_entry(
        lot, actor=biz_owner, stage_kind="drying", stage_name="Sấy bằng lò củi"
    )
    phone.goto(f"/q/{activated.code}")
    expect(phone.get_by_role("heading", name="Hạt dẻ Trùng Khánh")).to_be_visible()
    expect(phone.get_by_text("HD-2026-01", exact=True)).to_be_visible()
    expect(phone.get_by_role("heading", name="Hành trình sản phẩm")).to_be_visible()
    expect(phone.get_by_text("Sấy bằng lò củi")).to_be_visible()
    expect(phone.get_by_role("alert")).to_have_count(0)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the scan page must not scroll sideways on a phone"
    phone.screenshot(path=screenshot_dir / "stamps-scan-360.png", full_page=True)

    tracing_actions.recall_lots([lot], actor=biz_owner, reason="Phát hiện nấm mốc trong lô")
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
