"""A tax code cannot be squatted, phone numbers read as Vietnamese ones, and a form that comes
back with an error says what happened to the chosen licence."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from txng.accounts.identifiers import clean_vn_phone
from txng.enrolment import actions
from txng.enrolment.models import Dossier
from txng.enrolment.tests.helpers import form_data, make_dossier

pytestmark = pytest.mark.django_db


def test_a_second_applicant_with_the_same_tax_code_can_still_apply(client, dost, commune):
    make_dossier(dost, commune, name="Ai đó gõ trước")
    response = client.post(reverse("enrolment:register"), form_data(dost, commune))
    assert response.status_code == 302
    assert Dossier.objects.filter(tax_code="0100109106").count() == 2


def test_the_reviewer_sees_both_dossiers_side_by_side(client, dost_admin, dost, commune):
    first = make_dossier(dost, commune, name="Ai đó gõ trước", representative="Người lạ")
    second = make_dossier(dost, commune, name="HTX Miến dong thật")
    client.force_login(dost_admin)
    html = client.get(reverse("enrolment:detail", args=[second.pk])).content.decode()
    assert "cùng mã số thuế" in html
    assert reverse("enrolment:detail", args=[first.pk]) in html
    assert "Người lạ" in html and "HTX Miến dong thật" in html


def test_a_dossier_to_another_agency_is_named_without_its_details(
    client, dept_officer, department, dost, commune
):
    make_dossier(dost, commune, name="Gửi Sở", representative="Người lạ")
    mine = make_dossier(department, commune, name="Gửi sở ngành")
    other = Dossier.objects.exclude(pk=mine.pk).get()
    client.force_login(dept_officer)
    html = client.get(reverse("enrolment:detail", args=[mine.pk])).content.decode()
    assert other not in Dossier.objects.visible_to(dept_officer)
    assert "gửi cơ quan khác" in html and dost.name in html
    assert "Người lạ" not in html and other.tracking_code not in html


def test_only_one_of_the_two_is_approved(dost_admin, dost, commune):
    first = make_dossier(dost, commune)
    second = make_dossier(dost, commune, name="Bản sao")
    actions.approve_dossier(first, actor=dost_admin)
    with pytest.raises(ValidationError) as err:
        actions.approve_dossier(Dossier.objects.get(pk=second.pk), actor=dost_admin)
    assert "đã có tài khoản" in str(err.value)


def test_a_taken_tax_code_says_who_to_contact(client, dost, commune, business):
    manager = business.managers.filter(parent__isnull=True).first()
    manager.phone = "0206 3852 123"
    manager.save()
    html = client.post(
        reverse("enrolment:register"), form_data(dost, commune, tax_code=business.tax_code)
    ).content.decode()
    assert "đã có tài khoản" in html and "liên hệ" in html
    assert manager.name in html and "0206 3852 123" in html


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0206 3852 123", "02063852123"),
        ("024.3825.1234", "02438251234"),
    ],
)
def test_vietnamese_phone_formats_are_accepted(typed, kept):
    assert clean_vn_phone(typed) == kept


@pytest.mark.parametrize("typed", ["12345", "0112345678", "091234567", "09123456789", "abc"])
def test_other_phone_numbers_are_refused(typed):
    with pytest.raises(ValidationError):
        clean_vn_phone(typed)


def test_registration_names_the_phone_field_in_the_error(client, dost, commune):
    html = client.post(
        reverse("enrolment:register"), form_data(dost, commune, phone="12345")
    ).content.decode()
    assert "Số điện thoại không đúng" in html and Dossier.objects.count() == 0


def test_a_form_back_with_an_error_says_the_licence_must_be_chosen_again(client, dost, commune):
    html = client.post(
        reverse("enrolment:register"), form_data(dost, commune, phone="12345")
    ).content.decode()
    assert "chọn lại tệp" in html


def test_no_licence_notice_when_the_licence_itself_was_refused(client, dost, commune):
    data = form_data(dost, commune)
    del data["licence"]
    html = client.post(reverse("enrolment:register"), data).content.decode()
    assert "chọn lại tệp" not in html
