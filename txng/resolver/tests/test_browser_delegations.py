"""DOST enters a delegation on a 360 px phone, and the table fits the screen."""

import pytest
from django.conf import settings
from django.test import Client

from txng.resolver.models import Delegation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dost_adds_a_delegation_on_a_phone(browser, live_server, dost_admin, screenshot_dir):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, base_url=live_server.url, locale="vi-VN"
    )
    client = Client()
    client.force_login(dost_admin)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto("/manage/gs1-delegations/")
    page.fill("#id_prefix", "8936001")
    page.fill("#id_resolver_url", "https://truyxuat.bacninh.example.gov.vn/duong-dan-rat-dai/")
    page.fill("#id_name", "Hệ thống truy xuất nguồn gốc tỉnh Bắc Ninh")
    page.locator("form.card button").click()
    page.wait_for_selector("text=8936001")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screenshot_dir / "resolver-delegations-360.png"), full_page=True)
    context.close()
    assert Delegation.objects.get().name == "Hệ thống truy xuất nguồn gốc tỉnh Bắc Ninh"
