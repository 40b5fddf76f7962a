"""The participation certificate: the checklist, issue, revoke; the verification page's answers
(valid, expired, suspended, revoked) read at once; the PDF's QR decodes to that page."""

import shutil
import subprocess
from datetime import timedelta

import pytest
import zxingcpp
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from PIL import Image

from txng.accounts import actions as accounts
from txng.catalog import actions as catalog
from txng.catalog.models import BusinessProfile, ProductImage
from txng.catalog.tests.helpers import published
from txng.ocop import certificates, pdf
from txng.ocop.models import Certificate, CertState, Conditions
from txng.tracing import actions as tracing

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(biz_owner, dept_officer):
    """A business meeting the default conditions: a complete published product, a recent lot."""
    product = published(
        biz_owner,
        dept_officer,
        name="Hạt dẻ Trùng Khánh",
        brand="Hạt dẻ TK",
        shelf_life="12 tháng",
        standards="TCCS 01:2024",
    )
    ProductImage.objects.create(product=product, image="public/products/hat-de.jpg", approved=True)
    tracing.create_lot(actor=biz_owner, product=product, code="L1", quantity=10)
    BusinessProfile.objects.create(business=biz_owner.organisation)
    return product


def test_checklist_shows_what_is_missing(business):
    rows = dict(certificates.checklist(business))
    assert rows["Tài khoản đang hoạt động"] is True
    assert rows["Có sản phẩm đang công bố đủ thông tin cơ bản"] is False
    assert not certificates.is_eligible(business)


def test_dost_issues_to_an_eligible_business_only(
    ready, business, dost_admin, dept_officer, other_business
):
    assert business in certificates.eligible_businesses()
    with pytest.raises(PermissionDenied):
        certificates.issue(business, actor=dept_officer)
    with pytest.raises(ValidationError, match="chưa đạt điều kiện"):
        certificates.issue(other_business, actor=dost_admin)
    cert = certificates.issue(business, actor=dost_admin)
    assert list(cert.products.all()) == [ready]
    assert cert.status()[0] == CertState.VALID


def test_a_condition_dost_turns_off_no_longer_counts(business, dost_admin):
    conditions = Conditions.current()
    conditions.require_product = False
    conditions.lot_months = 0
    certificates.save_conditions(conditions, actor=dost_admin)
    assert (
        dict(certificates.checklist(business)).get("Có sản phẩm đang công bố đủ thông tin cơ bản")
        is None
    )


@pytest.fixture
def cert(ready, business, dost_admin):
    return certificates.issue(business, actor=dost_admin)


def _verify(client, cert):
    return client.get(reverse("ocop:verify", args=[cert.code])).content.decode()


def test_verification_page_says_valid_expired_or_revoked(client, cert, dost_admin):
    assert "còn hiệu lực" in _verify(client, cert)
    Certificate.objects.filter(pk=cert.pk).update(valid_until=cert.issued_on - timedelta(days=1))
    assert "đã hết hiệu lực" in _verify(client, cert)
    certificates.revoke(cert, actor=dost_admin, reason="Cơ sở ngừng sản xuất")
    html = _verify(client, cert)
    assert "đã bị thu hồi" in html and "Cơ sở ngừng sản xuất" in html


def test_locking_the_account_suspends_at_once_and_revoking_it_revokes(
    client, cert, business, dept_officer
):
    accounts.lock_business(business, actor=dept_officer, reason="Đăng thông tin sai")
    html = _verify(client, cert)
    assert "tạm đình chỉ" in html and "Đăng thông tin sai" in html
    accounts.revoke_business(business, actor=dept_officer, reason="Giải thể")
    html = _verify(client, cert)
    assert "đã bị thu hồi" in html and "Giải thể" in html


def test_taking_down_a_covered_product_suspends_with_the_reason(client, cert, ready, dept_officer):
    catalog.take_down_product(ready, actor=dept_officer, reason="Nhãn sai sự thật")
    html = _verify(client, cert)
    assert "tạm đình chỉ" in html and "Nhãn sai sự thật" in html


def test_revoking_needs_a_reason_and_only_dost(cert, dept_officer, dost_admin):
    with pytest.raises(PermissionDenied):
        certificates.revoke(cert, actor=dept_officer, reason="x")
    with pytest.raises(ValidationError):
        certificates.revoke(cert, actor=dost_admin, reason=" ")


def test_business_downloads_its_certificate_and_others_cannot(client, cert, biz_owner, other_biz):
    url = reverse("ocop:certificate_pdf", args=[cert.pk])
    client.force_login(other_biz)
    assert client.get(url).status_code == 404
    client.force_login(biz_owner)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert cert.number in client.get(reverse("ocop:my_certificates")).content.decode()


def test_business_page_shows_participating_while_valid(client, cert, business, dost_admin):
    url = business.get_absolute_url()
    assert "Tham gia Hệ thống truy xuất nguồn gốc" in client.get(url).content.decode()
    certificates.revoke(cert, actor=dost_admin, reason="Sai phạm")
    assert "Tham gia Hệ thống truy xuất nguồn gốc" not in client.get(url).content.decode()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler missing")
def test_pdf_qr_decodes_to_the_verification_url(cert, tmp_path, settings):
    settings.SITE_DOMAIN = ""
    (tmp_path / "c.pdf").write_bytes(pdf.render(cert))
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", tmp_path / "c.pdf", tmp_path / "p"],
        check=True,
    )
    page = Image.open(next(tmp_path.glob("p*.png")))
    found = {r.text for r in zxingcpp.read_barcodes(page, formats=zxingcpp.BarcodeFormat.QRCode)}
    assert found == {f"https://truyxuatnguongoc.caobang.gov.vn/xac-nhan/{cert.code}/"}
    text = subprocess.run(
        ["pdftotext", tmp_path / "c.pdf", "-"], capture_output=True, check=True
    ).stdout.decode()
    assert cert.number in text and "Hạt dẻ Trùng Khánh" in text and "GIẤY XÁC NHẬN" in text


def test_an_open_case_about_the_business_holds_the_certificate_back(
    ready, business, dost_admin, commune
):
    """feedback's condition, added through txng.common.business_conditions."""
    from txng.feedback import actions as feedback
    from txng.feedback.models import CaseKind

    label = "Không có phản ánh, khiếu nại đang xử lý"
    fake = feedback.file_case(kind=CaseKind.FAKE_STAMP, description="Tem giả", product=ready)
    assert fake.business == business and dict(certificates.checklist(business))[label] is True
    case = feedback.file_case(kind=CaseKind.COMPLAINT, description="Hạt dẻ mốc", product=ready)
    assert dict(certificates.checklist(business))[label] is False
    with pytest.raises(ValidationError, match="phản ánh"):
        certificates.issue(business, actor=dost_admin)
    feedback.dismiss(case, actor=dost_admin, reason="Không đúng sự thật")
    assert certificates.issue(business, actor=dost_admin).status()[0] == CertState.VALID
