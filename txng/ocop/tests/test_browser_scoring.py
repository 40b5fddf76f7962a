"""A commune official scores a product on a 360 px phone: the total adds up as the options are
ticked, and the saved sheet shows the same total."""

import re

import pytest
from playwright.sync_api import expect

from txng.accounts.tests.factories import PASSWORD
from txng.catalog.tests.helpers import published
from txng.ocop import actions
from txng.ocop.demo_sheet import EXAMPLE_CRITERIA
from txng.ocop.tests.helpers import example_sheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_commune_scores_a_product_on_a_phone(
    phone, biz_owner, dept_officer, commune_officer, dost_admin, screenshot_dir
):
    example_sheet(dost_admin)
    product = published(biz_owner, dept_officer, name="Miến dong Nguyên Bình")
    app = actions.apply(product, actor=biz_owner, group="food")

    phone.goto("/accounts/login/")
    phone.fill("#id_username", commune_officer.username)
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(re.compile(r"/manage/"))
    phone.goto(f"/manage/ocop/{app.pk}/score/")
    # Second option of every criterion (49 points, hand-computed in test_scoring).
    for i in range(len(EXAMPLE_CRITERIA)):
        phone.locator(f"input[name=c{i}][value='1']").check()
    expect(phone.locator("#score-total")).to_have_text("49")
    expect(phone.locator("output.part-total[data-part=A]")).to_have_text("20")
    expect(phone.locator("#score-stars")).to_have_text("★★")
    # Nothing wider than the phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(screenshot_dir / "ocop-score-360.png"), full_page=False)
    phone.locator("#score-form button[type=submit]").click()
    expect(phone.locator("#saved-total")).to_contain_text("49")
    assert app.scorings.get().total == 49
