import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from txng.catalog.models import Document, Facility, ProductImage
from txng.catalog.tests.helpers import draft, product_data
from txng.common.demo_files import pdf_bytes, png_upload

pytestmark = pytest.mark.django_db


def test_image_is_reencoded_with_thumbnail(login, biz_owner):
    product, _rev = draft(biz_owner)
    client = login(biz_owner)
    buf = io.BytesIO()
    Image.new("RGB", (1200, 900), (200, 10, 10)).save(buf, "JPEG")
    upload = SimpleUploadedFile("anh.jpg", buf.getvalue() + b"<script>x</script>")
    client.post(reverse("catalog:image_add", args=[product.pk]), {"image": upload})
    image = ProductImage.objects.get(product=product)
    assert b"<script>" not in image.image.read()
    assert max(Image.open(image.thumb).size) <= 480
    assert not image.approved


def test_pdf_renamed_as_image_is_refused(login, biz_owner):
    product, _rev = draft(biz_owner)
    client = login(biz_owner)
    fake = SimpleUploadedFile("anh.png", pdf_bytes(), content_type="image/png")
    response = client.post(
        reverse("catalog:image_add", args=[product.pk]), {"image": fake}, follow=True
    )
    assert "không đúng định dạng" in response.content.decode()
    assert not ProductImage.objects.exists()


def test_document_upload_refuses_non_pdf_content(login, biz_owner):
    client = login(biz_owner)
    fake = SimpleUploadedFile("giay.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("catalog:documents"), {"kind": "test_result", "file": fake})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tệp không đúng định dạng" in page and "Tệp: Tệp" not in page
    assert not Document.objects.exists()


def test_document_expiry_before_issue_is_refused(login, biz_owner):
    response = login(biz_owner).post(
        reverse("catalog:documents"),
        {
            "kind": "conformity",
            "issued_on": "2026-05-01",
            "expires_on": "2026-01-01",
            "file": png_upload(),
        },
    )
    assert "Ngày hết hiệu lực phải sau ngày cấp." in response.content.decode()


def test_gtin_check_digit_error_names_field(login, biz_owner):
    data = {k: v or "" for k, v in product_data(gtin="8936000000012").items()}
    response = login(biz_owner).post(reverse("catalog:product_new"), data)
    assert "Mã GTIN sai số kiểm tra" in response.content.decode()


def test_vietnamese_gtin_is_shown_as_vietnam(client, biz_owner, dept_officer):
    from txng.catalog.tests.helpers import published

    product = published(biz_owner, dept_officer, gtin="8936000000011")
    html = client.get(product.get_absolute_url()).content.decode()
    assert "8936000000011" in html and "Việt Nam" in html


def test_facility_gln_is_validated(login, biz_owner):
    response = login(biz_owner).post(
        reverse("catalog:facility_new"),
        {"name": "Xưởng", "kind": "workshop", "gln": "8936000000012"},
    )
    assert "Mã GLN sai số kiểm tra" in response.content.decode()
    assert not Facility.objects.exists()


def test_expired_document_is_flagged_and_owner_reminded(client, biz_owner, dept_officer, business):
    from datetime import date, timedelta

    from txng.accounts.models import Notification
    from txng.catalog import actions
    from txng.catalog.tests.helpers import published

    product = published(biz_owner, dept_officer)
    today = date.today()
    for days in (-3, 20, 90):
        Document.objects.create(
            business=business,
            product=product,
            kind="test_result",
            number=str(days),
            expires_on=today + timedelta(days=days),
            file="x.pdf",
            approved=True,
        )
    assert actions.remind_expiring_documents() == 1
    assert actions.remind_expiring_documents() == 0  # once only
    assert Notification.objects.filter(organisation=business, message__contains="hết hiệu lực")
    html = client.get(product.get_absolute_url()).content.decode()
    assert html.count("Đã hết hiệu lực") == 1


def test_profile_form_with_logo_goes_through_approval(
    login, client, biz_owner, dept_officer, business, django_capture_on_commit_callbacks
):
    from txng.catalog import actions
    from txng.catalog.models import Revision

    owner = login(biz_owner)
    response = owner.post(
        reverse("catalog:profile"),
        {"address": "Thôn Bản Giốc", "description": "HTX 86 hộ", "logo": png_upload("logo.png")},
    )
    assert response.status_code == 302
    rev = Revision.objects.get(business=business, product=None)
    # Private (not served) until approved: issue 15.
    assert rev.data["logo"].startswith(f"private/logos/{business.pk}/")
    actions.submit_revision(rev, actor=biz_owner)
    client.logout()
    assert "HTX 86 hộ" not in client.get(business.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_revision(rev, actor=dept_officer)
    html = client.get(business.get_absolute_url()).content.decode()
    assert "HTX 86 hộ" in html and "/media/public/logos/" in html


def test_logo_that_is_not_an_image_is_refused(login, biz_owner):
    fake = SimpleUploadedFile("logo.png", b"GIF89a-not-really", content_type="image/png")
    response = login(biz_owner).post(
        reverse("catalog:profile"), {"address": "Thôn Bản Giốc", "logo": fake}
    )
    assert response.status_code == 200
    assert "Biểu trưng (logo):" in response.content.decode()
