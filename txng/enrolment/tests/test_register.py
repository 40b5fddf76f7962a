import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from txng.audit.models import AuditEntry
from txng.common.demo_files import png_bytes
from txng.enrolment.models import Dossier, DossierState
from txng.enrolment.tests.helpers import form_data

pytestmark = pytest.mark.django_db


def test_register_page_shows_every_annex_field(client, dost, commune):
    html = client.get(reverse("enrolment:register")).content.decode()
    for name in [
        "addressed_to",
        "name",
        "address",
        "commune",
        "phone",
        "email",
        "tax_code",
        "representative",
        "business_type",
        "production_area",
        "capacity",
        "products",
        "purposes",
        "commitment",
        "privacy_consent",
        "licence",
    ]:
        assert f'name="{name}"' in html, name


def test_submission_gives_a_tracking_code_and_status_page(client, dost, commune):
    response = client.post(reverse("enrolment:register"), form_data(dost, commune))
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("enrolment:status", args=[dossier.tracking_code])
    assert dossier.state == DossierState.SUBMITTED
    assert len(dossier.tracking_code) == 12
    page = client.get(response["Location"]).content.decode()
    assert "Đã nộp, chờ xem xét" in page
    assert AuditEntry.objects.filter(action="enrolment.submit", object_id=str(dossier.pk)).exists()


def test_tracking_codes_are_not_sequential(client, dost, commune):
    client.post(reverse("enrolment:register"), form_data(dost, commune))
    client.post(
        reverse("enrolment:register"),
        form_data(dost, commune, tax_code="0100112437", email="b@example.vn"),
    )
    a, b = Dossier.objects.order_by("pk").values_list("tracking_code", flat=True)
    assert a != b and abs(int(a, 36) - int(b, 36)) > 1000


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("giay-phep.pdf", b"MZ\x90\x00 not a pdf" * 10), "không đúng định dạng"),
        (SimpleUploadedFile("anh.png", b""), "rỗng"),
        (
            SimpleUploadedFile("giay-phep.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1)),
            "quá lớn",
        ),
    ],
    ids=["wrong-type-with-pdf-name", "empty", "too-large"],
)
def test_bad_licence_is_refused_and_nothing_is_stored(
    client, dost, commune, upload, message, settings
):
    response = client.post(reverse("enrolment:register"), form_data(dost, commune, licence=upload))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Dossier.objects.count() == 0
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_png_licence_is_accepted_and_reencoded(client, dost, commune):
    upload = SimpleUploadedFile("scan.png", png_bytes() + b"trailing-junk")
    response = client.post(reverse("enrolment:register"), form_data(dost, commune, licence=upload))
    assert response.status_code == 302
    stored = Dossier.objects.get().licence.read()
    assert b"trailing-junk" not in stored


def test_invalid_tax_code_is_named_in_the_error(client, dost, commune):
    response = client.post(
        reverse("enrolment:register"), form_data(dost, commune, tax_code="0100109107")
    )
    page = response.content.decode()
    assert "Mã số thuế sai chữ số kiểm tra." in page
    assert "Mã số thuế: Mã số thuế" not in page  # the field is named once
    assert Dossier.objects.count() == 0


def test_commitment_is_required(client, dost, commune):
    data = form_data(dost, commune)
    del data["commitment"]
    response = client.post(reverse("enrolment:register"), data)
    assert "Cần đánh dấu cam kết" in response.content.decode()
    assert Dossier.objects.count() == 0


def test_consent_to_personal_data_processing_is_required_and_kept(client, dost, commune):
    data = form_data(dost, commune)
    del data["privacy_consent"]
    page = client.post(reverse("enrolment:register"), data).content.decode()
    assert "Cần đồng ý xử lý dữ liệu cá nhân" in page and Dossier.objects.count() == 0
    assert reverse("public:privacy") in page
    client.post(reverse("enrolment:register"), form_data(dost, commune))
    assert Dossier.objects.get().privacy_consent is True


def test_tax_code_of_an_existing_business_is_refused(client, dost, commune, business):
    response = client.post(
        reverse("enrolment:register"), form_data(dost, commune, tax_code=business.tax_code)
    )
    assert "đã có tài khoản trên hệ thống" in response.content.decode()
    assert Dossier.objects.count() == 0
    assert len(mail.outbox) == 0


def test_cannot_address_a_business_or_sub_unit(client, business, commune):
    response = client.post(reverse("enrolment:register"), form_data(business, commune))
    assert response.status_code == 200
    assert Dossier.objects.count() == 0


def test_bac_ninh_sends_dossiers_to_the_managing_agency_only(client, dost, commune, settings):
    settings.TXNG_PROVINCE = "bac-ninh"
    response = client.post(reverse("enrolment:register"), form_data(dost, commune))
    assert response.status_code == 200
    assert Dossier.objects.count() == 0
    html = client.get(reverse("enrolment:register")).content.decode()
    assert f'value="{dost.pk}"' not in html and f'value="{commune.pk}"' in html
