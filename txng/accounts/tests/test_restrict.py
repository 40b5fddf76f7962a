"""restrict(user, action) is the one rule: the owner changes its rows, the managing authorities
and DOST manage them, everyone with either right views them, and nobody else sees they exist."""

import pytest
from django.http import Http404

from txng.accounts.models import Organisation
from txng.catalog.models import Facility
from txng.common.access import get_visible_or_404

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(business):
    return Facility.objects.create(business=business, name="Vườn", kind="farm")


def test_owner_changes_and_managers_manage_its_rows(
    place, biz_owner, dept_officer, dost_admin, other_biz, other_commune_officer
):
    def who(action):
        return {
            name
            for name, user in {
                "owner": biz_owner,
                "department": dept_officer,
                "dost": dost_admin,
                "other business": other_biz,
                "other commune": other_commune_officer,
            }.items()
            if Facility.objects.restrict(user, action).filter(pk=place.pk).exists()
        }

    assert who("view") == {"owner", "department", "dost"}
    assert who("change") == {"owner"}
    assert who("manage") == {"department", "dost"}


def test_an_unknown_action_is_an_error_not_an_empty_list(biz_owner):
    with pytest.raises(ValueError):
        Facility.objects.restrict(biz_owner, "aprove")


def test_get_visible_or_404_hides_what_the_user_may_not_act_on(place, biz_owner, dept_officer):
    assert get_visible_or_404(Facility.objects, biz_owner, "change", pk=place.pk) == place
    with pytest.raises(Http404):
        get_visible_or_404(Facility.objects, dept_officer, "change", pk=place.pk)
    assert get_visible_or_404(Organisation.objects, dept_officer, "manage", pk=place.business_id)


def test_get_visible_or_404_refuses_a_model_without_a_rule(biz_owner):
    from txng.catalog.models import Category

    with pytest.raises(TypeError):
        get_visible_or_404(Category.objects, biz_owner, pk=1)
