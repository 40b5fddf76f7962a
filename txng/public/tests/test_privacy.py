"""The personal data notice: reachable from every page, and saying what the system really does."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("public:privacy")


def test_the_notice_names_the_operator_the_retention_and_the_contact(client, settings):
    settings.VISITOR_IP_DAYS = 45
    settings.CONTACT_EMAIL = "dulieu@skhcn.example.vn"
    settings.CONTACT_PHONE = "0206 3852 000"
    page = client.get(URL).content.decode()
    assert "Sở Khoa học và Công nghệ tỉnh Cao Bằng" in page
    assert "91/2025/QH15" in page
    assert "sau 45 ngày" in page
    assert 'href="mailto:dulieu@skhcn.example.vn"' in page and "0206 3852 000" in page


def test_every_page_links_the_notice_and_the_registration_form_points_at_its_part(client):
    assert f'href="{URL}"' in client.get(reverse("public:home")).content.decode()
    assert f'href="{URL}#co-so"' in client.get(reverse("enrolment:register")).content.decode()


def test_the_notice_is_in_english_too(client):
    client.cookies["django_language"] = "en"
    page = client.get(URL).content.decode()
    assert "Personal data notice" in page
