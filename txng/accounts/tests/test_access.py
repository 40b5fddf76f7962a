"""Every workspace page refuses anonymous visitors and users of the wrong organisation."""

import pytest
from django.urls import reverse

from txng.enrolment.tests.helpers import make_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets(dost, department, commune, business, other_business):
    dossier = make_dossier(department, commune)
    return {
        "dossier": dossier.pk,
        "business": business.pk,
        "other_business": other_business.pk,
    }


AUTHORITY_PAGES = [
    ("enrolment:queue", None),
    ("enrolment:detail", "dossier"),
    ("enrolment:licence", "dossier"),
    ("accounts:organisations", None),
]
DOST_PAGES = [("audit:log", None), ("accounts:new_authority", None)]
POSTS = [
    ("enrolment:review", "dossier", "approve"),
    ("accounts:change_status", "business", "lock"),
]


def _url(name, key, targets, extra=None):
    args = [targets[key]] if key else []
    if extra:
        args.append(extra)
    return reverse(name, args=args)


@pytest.mark.parametrize(
    ("name", "key"),
    AUTHORITY_PAGES
    + DOST_PAGES
    + [
        ("accounts:home", None),
        ("accounts:staff", None),
        ("accounts:notifications", None),
    ],
)
def test_anonymous_visitor_is_sent_to_login(client, targets, name, key):
    response = client.get(_url(name, key, targets))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("name", "key"), AUTHORITY_PAGES + DOST_PAGES)
def test_business_user_is_refused_official_pages(login, biz_owner, targets, name, key):
    assert login(biz_owner).get(_url(name, key, targets)).status_code in (403, 404)


@pytest.mark.parametrize(("name", "key"), DOST_PAGES)
def test_agency_is_refused_dost_pages(login, dept_officer, targets, name, key):
    assert login(dept_officer).get(_url(name, key, targets)).status_code == 403


@pytest.mark.parametrize(("name", "key"), AUTHORITY_PAGES[1:3])
def test_other_commune_cannot_open_a_dossier(login, other_commune_officer, targets, name, key):
    assert login(other_commune_officer).get(_url(name, key, targets)).status_code == 404


def test_other_commune_cannot_see_a_business_it_does_not_manage(
    login, other_commune_officer, targets
):
    url = reverse("accounts:organisation", args=[targets["business"]])
    assert login(other_commune_officer).get(url).status_code == 404


def test_business_cannot_see_another_business(login, biz_owner, targets):
    url = reverse("accounts:organisation", args=[targets["other_business"]])
    assert login(biz_owner).get(url).status_code == 404


@pytest.mark.parametrize(("name", "key", "action"), POSTS)
def test_outsider_posts_change_nothing(
    login, client, other_biz, other_commune_officer, targets, name, key, action
):
    from txng.accounts.models import Organisation
    from txng.enrolment.models import Dossier

    url = _url(name, key, targets, action)
    assert client.post(url, {"reason": "x"}).status_code == 302  # to login
    assert login(other_biz).post(url, {"reason": "x"}).status_code in (403, 404)
    assert login(other_commune_officer).post(url, {"reason": "x"}).status_code in (403, 404)
    assert Dossier.objects.get().state == "submitted"
    assert Organisation.objects.get(pk=targets["business"]).status == "active"


def test_staff_page_is_for_owners_only(login, business, other_biz):
    from txng.accounts.tests.factories import UserFactory

    staff = UserFactory(organisation=business, role="staff")
    assert login(staff).get(reverse("accounts:staff")).status_code == 403
