import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse

from txng.common.demo_files import png_upload
from txng.common.links import validate_link, validate_web_url

HOSTILE = [
    "javascript:alert(document.domain)",
    " JavaScript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/",
    "/\\evil.example/",
    "ftp://example.com/file",
]


@pytest.mark.parametrize("link", HOSTILE)
def test_links_other_than_http_or_a_site_path_are_refused(link):
    with pytest.raises(ValidationError):
        validate_link(link)
    with pytest.raises(ValidationError):
        validate_web_url(link)


@pytest.mark.parametrize("link", ["https://caobang.gov.vn/tin", "http://example.vn", "/tin-tuc/"])
def test_web_links_and_site_paths_are_kept(link):
    validate_link(link)


@pytest.mark.parametrize("link", HOSTILE)
def test_a_stored_hostile_link_renders_as_a_dead_link(link):
    html = Template('<a href="{{ link|safe_link }}">').render(Context({"link": link}))
    assert html == '<a href="#">'


@pytest.mark.django_db
def test_banner_with_a_javascript_link_is_refused_and_not_shown(login, dost_admin, client):
    from txng.public.models import Banner

    page = login(dost_admin).post(
        reverse("public:manage_banners"),
        {
            "title": "Hội chợ",
            "image": png_upload(),
            "link": "javascript:alert(document.domain)",
            "starts_at": "2026-01-01T00:00",
            "position": 0,
        },
    )
    assert page.status_code == 200 and not Banner.objects.exists()
    assert "Chỉ nhận liên kết http" in str(page.context["form"].errors["link"])


@pytest.mark.django_db
def test_business_website_must_be_http(login, biz_owner):
    from txng.catalog.forms import ProfileForm

    form = ProfileForm({"address": "Xóm 1", "website": "javascript:alert(1)"})
    assert not form.is_valid() and "website" in form.errors
