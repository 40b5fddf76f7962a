"""Every notice says what it is about, so a user can choose how each kind reaches them."""

import pytest
from django.db import IntegrityError, transaction

from txng.accounts.actions import notify
from txng.accounts.models import Notification, NotificationKind, NotificationPreference
from txng.catalog.tests.helpers import published


@pytest.mark.django_db
def test_an_approved_product_tells_the_business_with_the_revision_kind(biz_owner, commune_officer):
    published(biz_owner, commune_officer)
    notice = Notification.objects.filter(organisation=biz_owner.organisation).latest("created_at")
    assert notice.kind == NotificationKind.REVISION_DECIDED


@pytest.mark.django_db
def test_a_notice_without_a_kind_is_general(business):
    assert notify(business, "x").kind == NotificationKind.GENERAL


@pytest.mark.django_db
def test_a_user_has_one_preference_per_kind(biz_owner):
    NotificationPreference.objects.create(
        user=biz_owner, kind=NotificationKind.RECALL, delivery="instant"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationPreference.objects.create(
            user=biz_owner, kind=NotificationKind.RECALL, delivery="digest"
        )
