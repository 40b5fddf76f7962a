"""Every role's main pages fit a 360 px phone: no sideways scrolling of the page, every table
fits or stacks into cards, and the menu button keeps to one line (issue 17, Layout)."""

import io
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from txng.accounts.models import User
from txng.public.mainpages import pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Tables wider than the screen, form controls and images that stick out of it.
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('table, input, select, textarea, img, .card')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1) out.push(el.tagName + '.' + el.className);
  }
  return {scroll: document.scrollingElement.scrollWidth, wide: out};
}"""


def _page_as(browser, live_server, username):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, base_url=live_server.url, locale="vi-VN"
    )
    if username != "anon":
        client = Client()
        client.force_login(User.objects.get(username=username))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
    return context, context.new_page()


def test_main_pages_of_every_role_fit_a_360px_phone(browser, live_server, settings, screenshot_dir):
    settings.DEBUG = True  # the demo loader refuses to run otherwise
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False
    shots = Path(os.environ.get("TXNG_SHOTS") or screenshot_dir)
    shots.mkdir(parents=True, exist_ok=True)
    problems, seen, contexts = [], 0, {}
    for role, path in pages():
        if role not in contexts:
            contexts[role] = _page_as(browser, live_server, role)
        page = contexts[role][1]
        response = page.goto(path)
        assert response.status == 200, (role, path, response.status)
        # Lazy images load as a person scrolls; the screenshot should show them.
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.evaluate("window.scrollTo(0, 0)")
        found = page.evaluate(MEASURE)
        if found["scroll"] > 360 or found["wide"]:
            problems.append((role, path, found))
        name = re.sub(r"[^a-z0-9]+", "-", f"{role}{path}".lower()).strip("-")
        page.screenshot(path=shots / f"layout-{name}-360.png", full_page=True)
        seen += 1
    menu = contexts["business"][1].locator(".menu > summary")
    box = menu.bounding_box()
    for context, _page in contexts.values():
        context.close()
    assert seen > 50
    assert not problems, problems
    assert box["height"] < 50  # "Trình đơn" on one line, not squeezed into two
