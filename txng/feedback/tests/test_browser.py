"""Both consumer flows on a 360 px phone, each person in their own browser context."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from txng.feedback import spam
from txng.stamps.models import StampState
from txng.stamps.tests.factories import OrderFactory, make_stamps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quick_forms(monkeypatch):
    # A person takes seconds to fill a form; the test need not wait for the anti-bot minimum.
    monkeypatch.setattr(spam, "MIN_SECONDS", 0)


@pytest.fixture
def phone_as(browser, live_server):
    contexts = []

    def _page(user=None):
        context = browser.new_context(
            viewport={"width": 360, "height": 740}, base_url=live_server.url, locale="vi-VN"
        )
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
            )
        return context.new_page()

    yield _page
    for context in contexts:
        context.close()


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_consumer_rates_from_a_scan_agency_approves_business_replies(
    phone_as, product, lot, commune_officer, biz_owner, quick_forms, screenshot_dir
):
    order = OrderFactory(product=product, lot=lot, quantity=2, state="ready")
    stamp = make_stamps(order, state=StampState.ACTIVATED, lot=lot)[0]
    consumer = phone_as()
    consumer.goto(f"/q/{stamp.code}")
    consumer.get_by_role("link", name="Đánh giá sản phẩm").click()
    consumer.get_by_label("★★★★★", exact=True).check()
    consumer.get_by_label("Nhận xét").fill("Hạt dẻ bùi, đóng gói đẹp")
    consumer.get_by_label("Tên hiển thị (không bắt buộc)").fill("Lan")
    no_sideways_scroll(consumer)
    consumer.get_by_role("button", name="Gửi đánh giá").click()
    expect(consumer.get_by_text("Đánh giá sẽ hiển thị sau khi được duyệt")).to_be_visible()

    agency = phone_as(commune_officer)
    agency.goto("/manage/danh-gia/")
    expect(agency.get_by_text("Hạt dẻ bùi, đóng gói đẹp")).to_be_visible()
    agency.get_by_role("button", name="Duyệt").click()
    expect(agency.get_by_text("Đã duyệt đánh giá.")).to_be_visible()

    business = phone_as(biz_owner)
    business.goto("/manage/danh-gia/")
    business.get_by_label("Trả lời công khai").fill("Cảm ơn chị Lan đã tin dùng")
    business.get_by_role("button", name="Đăng trả lời").click()
    expect(business.get_by_text("Đã đăng câu trả lời.")).to_be_visible()

    consumer.goto(product.get_absolute_url())
    ratings = consumer.get_by_test_id("ratings")
    expect(ratings).to_contain_text("Hạt dẻ bùi, đóng gói đẹp")
    expect(ratings).to_contain_text("Đã mua")
    expect(ratings.get_by_test_id("reply")).to_contain_text("Cảm ơn chị Lan đã tin dùng")
    no_sideways_scroll(consumer)
    consumer.screenshot(path=screenshot_dir / "feedback-rating-360.png", full_page=True)


def test_complaint_explained_and_resolved_shows_on_tracking_page(
    phone_as, product, commune_officer, biz_owner, quick_forms, screenshot_dir
):
    consumer = phone_as()
    consumer.goto(product.get_absolute_url())
    consumer.get_by_role("link", name="Phản ánh chất lượng, vi phạm").click()
    consumer.get_by_label("Nội dung phản ánh").fill("Hạt dẻ bị mốc sau hai ngày")
    consumer.get_by_label("Thư điện tử (không bắt buộc)").fill("lan@example.vn")
    no_sideways_scroll(consumer)
    consumer.get_by_role("button", name="Gửi phản ánh").click()
    expect(consumer.get_by_text("Đã tiếp nhận").first).to_be_visible()
    code = re.search(r"/phan-anh/([0-9A-Z]+)/", consumer.url).group(1)

    agency = phone_as(commune_officer)
    agency.goto("/manage/phan-anh/")
    agency.get_by_role("link", name=code).click()
    expect(agency.get_by_text("lan@example.vn")).to_be_visible()
    agency.get_by_label("Lý do, nội dung").fill("Đề nghị cơ sở giải trình về bảo quản lô hàng")
    agency.get_by_role("button", name="Yêu cầu cơ sở giải trình").click()
    expect(agency.get_by_text("Đã gửi yêu cầu giải trình.")).to_be_visible()

    business = phone_as(biz_owner)
    business.goto("/manage/phan-anh/")
    business.get_by_role("link", name=code).click()
    expect(business.get_by_text("lan@example.vn")).to_have_count(0)
    business.get_by_label("Nội dung giải trình").fill("Lô hàng được bảo quản khô, sẽ kiểm tra lại")
    business.get_by_role("button", name="Gửi giải trình").click()
    expect(business.get_by_text("Đã gửi giải trình.")).to_be_visible()

    agency.reload()
    expect(agency.get_by_text("Lô hàng được bảo quản khô").first).to_be_visible()
    agency.get_by_label("Lý do, nội dung").fill("Cơ sở đã đổi hàng cho người tiêu dùng")
    agency.get_by_role("button", name="Đã giải quyết").click()
    expect(agency.get_by_text("Đã giải quyết phản ánh.")).to_be_visible()

    consumer.goto(f"/phan-anh/{code}/")
    expect(consumer.locator("[data-outcome]")).to_contain_text(
        "Cơ sở đã đổi hàng cho người tiêu dùng"
    )
    expect(consumer.get_by_text("Đã giải quyết").first).to_be_visible()
    no_sideways_scroll(consumer)
    consumer.screenshot(path=screenshot_dir / "feedback-case-360.png", full_page=True)
