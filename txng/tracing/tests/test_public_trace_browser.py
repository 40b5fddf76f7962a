"""The public trace page on a phone (360 px) and a desktop (1280 px)."""

import pytest
from playwright.sync_api import expect

from .conftest import ship_and_receive
from .test_public_trace import full_lot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trace_page_shows_ten_items_producer_holder_and_steps(
    phone, desktop, biz_owner, other_biz, product, screenshot_dir
):
    lot = full_lot(biz_owner, product)
    held = ship_and_receive(lot, biz_owner, other_biz, 30)
    for page, width in ((phone, 360), (desktop, 1280)):
        page.goto(lot.get_absolute_url())
        expect(page.get_by_test_id("circular-notice")).to_contain_text("Có đủ 10 thông tin")
        assert "{#" not in page.content()  # no template comment leaks as text
        page.screenshot(path=screenshot_dir / f"public-trace-producer-{width}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.goto(held.get_absolute_url())
        expect(page.get_by_test_id("producer")).to_contain_text(lot.business.name)
        expect(page.get_by_test_id("holder")).to_contain_text(other_biz.organisation.name)
        expect(page.get_by_test_id("timeline")).to_contain_text("Vận chuyển")
        expect(page.get_by_test_id("timeline")).to_contain_text(lot.trace_code)
        expect(page.get_by_role("link", name="Báo cáo vấn đề")).to_be_visible()
        page.screenshot(path=screenshot_dir / f"public-trace-holder-{width}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_product_search_and_recall_pages_on_phone_and_desktop(
    phone, desktop, biz_owner, other_biz, dept_officer, product, screenshot_dir
):
    from txng.tracing import actions

    lot = full_lot(biz_owner, product)
    ship_and_receive(lot, biz_owner, other_biz, 30)
    actions.recall_lots([lot], actor=dept_officer, reason="Nấm mốc vượt ngưỡng cho phép")
    for page, width in ((phone, 360), (desktop, 1280)):
        page.goto(product.get_absolute_url())
        expect(page.get_by_test_id("product-lots")).to_contain_text("20/09/2026")
        expect(page.get_by_test_id("product-lots")).to_contain_text(lot.trace_code)
        # The latest lot stands for the lot items (issue 17): all ten, with its journey.
        expect(page.get_by_test_id("circular-notice")).to_contain_text("Có đủ 10")
        expect(page.get_by_test_id("latest-journey")).to_contain_text(lot.trace_code)
        page.screenshot(path=screenshot_dir / f"public-product-{width}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.goto("/search/?q=hat+de+trung+kan")
        expect(page.locator(".pgrid")).to_contain_text("Hạt dẻ Trùng Khánh tươi")
        page.screenshot(path=screenshot_dir / f"public-search-{width}.png", full_page=True)
        page.goto("/")
        page.get_by_test_id("home-recalls").get_by_role("link").click()
        expect(page.get_by_test_id("recalls")).to_contain_text("HD-2026-09")
        expect(page.get_by_test_id("recalls")).to_contain_text("Nấm mốc")
        page.screenshot(path=screenshot_dir / f"public-recalls-{width}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
