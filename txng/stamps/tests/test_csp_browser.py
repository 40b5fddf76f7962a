"""Pages keep working under the Content-Security-Policy, and it really stops inline script.

Chromium reports every blocked script, style or fetch both in the console and as a
`securitypolicyviolation` event; a page that needed something the policy forbids shows up here.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from txng.accounts.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def _watch(page):
    console = []
    page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.add_init_script(COLLECT)
    return console


def _violations(page, console):
    return console + page.evaluate("window.__csp || []")


def test_pages_load_without_any_csp_violation(desktop, stamps, product, biz_owner):
    console = _watch(desktop)
    scan = reverse("stamps:scan", args=[stamps[0].code])
    pages = ["/", scan, product.get_absolute_url(), "/api/v1/docs", "/accounts/login/"]
    for url in pages:
        response = desktop.goto(url)
        assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
        desktop.wait_for_load_state("networkidle")
        assert _violations(desktop, console) == [], url
        if url == scan:
            # The moved share-location script ran: it shows its button.
            expect(desktop.locator("#share-location")).to_be_visible()
        if url == "/api/v1/docs":
            # Swagger UI comes from our static files and renders the API.
            expect(desktop.locator(".swagger-ui .info")).to_be_visible()
            assert "cdn" not in desktop.content().lower()
    desktop.fill("#id_username", biz_owner.username)
    desktop.fill("#id_password", PASSWORD)
    desktop.get_by_role("button", name="Đăng nhập").click()
    desktop.wait_for_load_state("networkidle")
    for url in [reverse("stamps:orders"), reverse("tracing:lots")]:
        desktop.goto(url)
        desktop.wait_for_load_state("networkidle")
        assert _violations(desktop, console) == [], url


def test_injected_inline_script_is_blocked_and_reported(desktop):
    console = _watch(desktop)
    desktop.goto("/")
    desktop.evaluate(
        """() => { const s = document.createElement("script");
        s.textContent = "window.__ran = true"; document.body.appendChild(s); }"""
    )
    desktop.wait_for_timeout(200)
    assert desktop.evaluate("window.__ran") is None
    assert any("script-src" in v for v in _violations(desktop, console))
