"""Draft → send → reject with reason → fix → approve → a consumer finds it without accents."""

import re

import pytest
from playwright.sync_api import expect

from txng.accounts.tests.factories import PASSWORD
from txng.catalog.demo import picture
from txng.catalog.tests.helpers import facility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, user):
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/manage/"))


def test_publish_reject_fix_approve_find(
    phone,
    desktop,
    new_page,
    biz_owner,
    dept_officer,
    business,
    tmp_path,
    screenshot_dir,
):
    facility(
        business, name="Vùng trồng Đình Phong", address="Xã Trùng Khánh", latitude=22.8366,
        longitude=106.5563, certifications="VietGAP",
    )  # fmt: skip
    photo = tmp_path / "hat-de.jpg"
    photo.write_bytes(picture("Hạt dẻ Trùng Khánh", (122, 72, 38)))

    # 1. The bookkeeper drafts the product on a phone and sends it for approval.
    _login(phone, biz_owner)
    phone.goto("/manage/products/new/")
    phone.fill("#id_name", "Hạt dẻ Trùng Khánh rang củi")
    phone.fill("#id_brand", "Hạt dẻ Trùng Khánh")
    phone.fill("#id_net_content", "500 g")
    phone.fill("#id_shelf_life", "6 tháng")
    phone.select_option("#id_facility", label="Vùng trồng Đình Phong")
    # OCOP stars are not the business's to declare: its form has no such field.
    expect(phone.locator("#id_ocop_stars")).to_have_count(0)
    phone.get_by_role("button", name="Lưu bản nháp").click()
    expect(phone.locator(".msg-success")).to_contain_text("Đã lưu bản nháp")
    phone.set_input_files("#id_image", str(photo))
    phone.get_by_role("button", name="Tải ảnh lên").click()
    expect(phone.locator(".msg-success")).to_contain_text("Đã thêm ảnh")
    phone.get_by_role("button", name="Gửi duyệt").click()
    expect(phone.locator(".msg-success")).to_contain_text("Đã gửi cơ quan quản lý duyệt.")
    product_url = phone.url

    # 2. The department officer rejects it with a reason.
    official = new_page(1280, 900)
    _login(official, dept_officer)
    official.goto("/manage/revisions/")
    official.get_by_role("link", name="Hạt dẻ Trùng Khánh rang củi").click()
    official.fill("#id_reason", "Ghi rõ tiêu chuẩn áp dụng (TCVN hoặc TCCS).")
    official.get_by_role("button", name="Từ chối").click()
    expect(official.locator(".msg-success")).to_contain_text("Đã từ chối")

    # 3. The business sees the reason, fixes it and sends it again.
    phone.goto(product_url)
    expect(phone.get_by_role("alert").first).to_contain_text("Ghi rõ tiêu chuẩn áp dụng")
    phone.screenshot(path=screenshot_dir / "catalog-my-product-360.png", full_page=True)
    phone.get_by_role("link", name="Sửa", exact=True).click()
    phone.fill("#id_standards", "TCCS 02:2024/HTXTK")
    phone.get_by_role("button", name="Lưu bản nháp").click()
    phone.get_by_role("button", name="Gửi duyệt").click()
    expect(phone.locator(".msg-success")).to_contain_text("Đã gửi cơ quan quản lý duyệt.")

    # 4. The officer approves.
    official.goto("/manage/revisions/")
    official.get_by_role("link", name="Hạt dẻ Trùng Khánh rang củi").click()
    official.screenshot(path=screenshot_dir / "catalog-revision-1280.png", full_page=True)
    official.get_by_role("button", name="Duyệt và công bố").click()
    expect(official.locator(".msg-success")).to_contain_text("Đã duyệt và công bố.")

    # 5. A consumer searches without accents and opens the product.
    for page, width in ((desktop, 1280), (new_page(360, 740), 360)):
        page.goto("/")
        page.get_by_role("searchbox").fill("hat de rang cui")
        page.get_by_role("button", name="Tìm").first.click()
        page.wait_for_url(re.compile(r"/search/\?q="))
        page.get_by_role("link", name=re.compile("Hạt dẻ Trùng Khánh rang củi")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Hạt dẻ Trùng Khánh rang củi")
        expect(page.locator("dl.facts")).to_contain_text("TCCS 02:2024/HTXTK")
        page.screenshot(path=screenshot_dir / f"catalog-product-{width}.png", full_page=True)
        page.goto("/search/?q=hat+de")
        page.screenshot(path=screenshot_dir / f"catalog-search-{width}.png", full_page=True)
        page.goto("/")
        page.screenshot(path=screenshot_dir / f"catalog-home-{width}.png", full_page=True)
