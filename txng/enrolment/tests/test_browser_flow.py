"""The whole enrolment path in headless Chromium on a phone-sized screen."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from txng.accounts.tests.factories import PASSWORD
from txng.common.demo_files import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _activation_path(message):
    return re.search(r"https?://[^/]+(/accounts/activate/\S+)", message.body).group(1)


def test_apply_supplement_resubmit_approve_activate_login(
    phone,
    new_page,
    dost,
    commune,
    dept_officer,
    department,
    tmp_path,
    screenshot_dir,
    settings,
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    licence = tmp_path / "giay-phep.pdf"
    licence.write_bytes(pdf_bytes())

    # 1. The applicant fills the annex form and uploads the licence.
    phone.goto("/register/")
    phone.select_option("#id_addressed_to", label=department.name)
    phone.fill("#id_name", "Hợp tác xã Miến dong Phja Đén")
    phone.fill("#id_address", "Xóm Phja Đén")
    phone.select_option("#id_commune", label=commune.name)
    phone.fill("#id_phone", "0912345678")
    phone.fill("#id_email", "htx@example.vn")
    phone.fill("#id_tax_code", "0100109106")
    phone.fill("#id_representative", "Nông Văn Dũng")
    phone.select_option("#id_business_type", "cooperative")
    phone.fill("#id_products", "Miến dong")
    phone.check("input[name=purposes][value=reputation]")
    phone.check("#id_commitment")
    phone.check("#id_privacy_consent")
    phone.set_input_files("#id_licence", str(licence))
    phone.screenshot(path=screenshot_dir / "register-360.png", full_page=True)
    phone.click("button[type=submit]")
    phone.wait_for_url(re.compile(r"/register/status/\w+/$"))
    status_url = phone.url
    assert "Đã nộp, chờ xem xét" in phone.content()

    # 2. The department officer asks for a supplement, with a reason.
    official = new_page(360, 740)
    official.goto("/accounts/login/")
    official.fill("#id_username", dept_officer.username)
    official.fill("#id_password", PASSWORD)
    official.click("button[type=submit]")
    official.goto("/manage/dossiers/")
    official.click("text=Hợp tác xã Miến dong Phja Đén")
    official.fill("#id_reason", "Đề nghị ghi rõ diện tích trồng dong riềng.")
    official.get_by_role("button", name="Yêu cầu bổ sung").click()
    expect(official.locator(".msg-success")).to_contain_text("Đã yêu cầu bổ sung hồ sơ.")

    # 3. The applicant sees the reason, edits the same dossier and resubmits.
    phone.goto(status_url)
    assert "Đề nghị ghi rõ diện tích trồng dong riềng." in phone.content()
    phone.get_by_role("link", name="Sửa và nộp bổ sung").click()
    phone.fill("#id_production_area", "3 ha dong riềng")
    phone.fill("#id_note", "Đã bổ sung diện tích.")
    phone.click("button[type=submit]")
    phone.wait_for_url(status_url)
    assert "Đã nộp bổ sung, chờ xem xét" in phone.content()

    # 4. The officer approves; the owner account is created and mailed an activation link.
    official.reload()
    official.get_by_role("button", name="Duyệt và cấp tài khoản").click()
    expect(official.locator(".msg-success")).to_contain_text("Đã duyệt hồ sơ")
    official.screenshot(path=screenshot_dir / "dossier-approved-360.png", full_page=True)
    assert len(mail.outbox) >= 2  # supplement request, then activation
    path = _activation_path(mail.outbox[-1])

    # 5. The new owner sets a password and logs in.
    phone.goto(path)
    phone.fill("#id_new_password1", "Dong-rieng-2026!")
    phone.fill("#id_new_password2", "Dong-rieng-2026!")
    phone.click("button[type=submit]")
    expect(phone.locator("h1")).to_contain_text("Tài khoản đã được kích hoạt")
    phone.goto("/accounts/login/")
    phone.fill("#id_username", "0100109106")
    phone.fill("#id_password", "Dong-rieng-2026!")
    phone.click("button[type=submit]")
    phone.wait_for_url(re.compile(r"/manage/$"))
    assert "Hợp tác xã Miến dong Phja Đén" in phone.content()
    phone.screenshot(path=screenshot_dir / "owner-home-360.png", full_page=True)
