import pytest
from playwright.sync_api import expect

from txng.accounts.tests.factories import PASSWORD
from txng.tracing import actions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, user):
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_diary_on_phone_then_ship_and_receipt_show_in_trace(
    phone, desktop, biz_owner, other_biz, product, screenshot_dir
):
    lot = actions.create_lot(actor=biz_owner, product=product, code="HD-2026-01", quantity=80)
    _login(phone, biz_owner)
    phone.goto(f"/lo-hang/{lot.pk}/")
    phone.select_option("#id_diary-stage_kind", "fertilising")
    phone.fill("#id_diary-person", "Nông Văn Phúc")
    phone.fill("#id_diary-input_name", "Phân hữu cơ vi sinh")
    phone.fill("#id_diary-input_dose", "20 kg/sào")
    phone.screenshot(path=screenshot_dir / "tracing-diary-360.png", full_page=True)
    phone.get_by_role("button", name="Ghi nhật ký").click()
    expect(phone.get_by_role("alert").or_(phone.locator(".msg-success"))).to_contain_text(
        "Đã ghi nhật ký"
    )
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360

    phone.get_by_text("Xuất hàng", exact=True).first.click()
    phone.fill("#id_ship-quantity", "30")
    phone.select_option("#id_ship-receiver", str(other_biz.organisation_id))
    phone.fill("#id_ship-invoice_no", "HD0001234")
    phone.get_by_role("button", name="Ghi nhận xuất hàng").click()
    expect(phone.get_by_test_id("in-stock")).to_contain_text("50")

    _login(desktop, other_biz)
    desktop.goto("/nhan-hang/")
    desktop.get_by_role("link", name="Hạt dẻ Trùng Khánh tươi · HD-2026-01").click()
    desktop.fill("#id_received_quantity", "29.5")
    desktop.fill("#id_receipt_note", "Hao hụt khi vận chuyển")
    desktop.get_by_role("button", name="Xác nhận đã nhận").click()
    expect(desktop.get_by_test_id("in-stock")).to_contain_text("29,5")
    desktop.get_by_role("link", name="Truy vết chuỗi").click()
    expect(desktop.get_by_role("heading", name="Phía trước (nguồn gốc)")).to_be_visible()
    expect(desktop.get_by_role("link", name="Hạt dẻ Trùng Khánh tươi · HD-2026-01")).to_be_visible()
    expect(desktop.locator("ol.timeline")).to_contain_text("Bón phân")
    expect(desktop.locator("ol.timeline")).to_contain_text("Nhận hàng")
    desktop.screenshot(path=screenshot_dir / "tracing-trace-1280.png", full_page=True)

    phone.goto(lot.get_absolute_url())
    expect(phone.get_by_role("heading", name="Hành trình sản phẩm")).to_be_visible()
    phone.screenshot(path=screenshot_dir / "tracing-public-360.png", full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.goto(f"/lo-hang/{lot.pk}/truy-vet/")
    expect(phone.locator("ul.trace").last).to_contain_text(other_biz.organisation.name)
    phone.screenshot(path=screenshot_dir / "tracing-trace-360.png", full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
