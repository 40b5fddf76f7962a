import os
from pathlib import Path

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


def _stamp_in(state, product, lot, biz_owner, dost):
    """A stamp whose scan page must give `state`'s verdict."""
    from datetime import timedelta

    from django.utils import timezone

    from txng.stamps.models import Signal, SignalKind, Stamp
    from txng.tracing.models import Lot

    order = OrderFactory(product=product, lot=lot, quantity=1, state="ready")
    stamp = make_stamps(order, state=StampState.ACTIVATED, lot=lot)[0]
    if state == "voided":
        Stamp.objects.filter(pk=stamp.pk).update(state=StampState.VOIDED, void_reason="Mất cuộn")
    elif state == "not_activated":
        Stamp.objects.filter(pk=stamp.pk).update(state=StampState.PRINTED, lot=None)
    elif state == "flagged":
        Stamp.objects.filter(pk=stamp.pk).update(scan_count=56)
        Signal.objects.create(kind=SignalKind.MANY_SCANS, code=stamp.code, stamp=stamp)
    elif state == "expired":
        yesterday = timezone.localdate() - timedelta(days=1)
        Lot.objects.filter(pk=lot.pk).update(expiry_date=yesterday)
    elif state == "recalled":
        tracing_actions.recall_lots([lot], actor=biz_owner, reason="Phát hiện nấm mốc trong lô")
    return stamp.code


VERDICTS = {
    "genuine": "Tem chính hãng",
    "flagged": "tem có dấu hiệu bị sao chép",
    "voided": "Tem này đã bị hủy",
    "unknown": "Tem không do hệ thống này cấp",
    "not_activated": "Tem chưa được kích hoạt",
    "expired": "Sản phẩm đã hết hạn sử dụng",
    "recalled": "Lô hàng này đã bị thu hồi",
}
WHAT_TO_DO = {
    "flagged": "Trả lại nơi bán",
    "voided": "Trả lại nơi bán",
    "unknown": "Trả lại nơi bán",
    "not_activated": "trả lại nơi bán",
    "expired": "Không ăn, uống",
    "recalled": "Không ăn, uống",
}


@pytest.mark.parametrize("state", list(VERDICTS))
def test_phone_shows_the_verdict_first_on_one_screen(
    phone, product, lot, biz_owner, dost, screenshot_dir, state
):
    code = "0" * 15 if state == "unknown" else _stamp_in(state, product, lot, biz_owner, dost)
    phone.goto(f"/q/{code}")
    verdict = phone.locator(".verdict")
    expect(verdict).to_contain_text(VERDICTS[state])
    box = verdict.bounding_box()
    assert box["y"] + box["height"] <= 740, "the verdict fits on the first screen"
    if state == "genuine":
        expect(phone.get_by_role("alert")).to_have_count(0)
    else:
        expect(verdict).to_contain_text(WHAT_TO_DO[state])
        expect(phone.get_by_text("Tem chính hãng")).to_have_count(0)
        expect(verdict.get_by_role("link", name="Báo nghi hàng giả")).to_be_visible()
    if state != "unknown":
        expect(verdict).to_contain_text("lần đầu lúc")  # count and first scan beside it
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=screenshot_dir / f"stamps-verdict-{state}-360.png")
    shots = os.environ.get("SCAN_SHOTS_DIR")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        phone.screenshot(path=Path(shots) / f"verdict-{state}-360.png")
