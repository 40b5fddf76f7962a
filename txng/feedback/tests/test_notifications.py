from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from txng.accounts.actions import notify
from txng.accounts.models import Delivery, Notification, NotificationKind, NotificationPreference
from txng.accounts.tests.factories import UserFactory
from txng.feedback import notifications

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def owner(biz_owner):
    biz_owner.email = "owner@example.vn"
    biz_owner.save()
    return biz_owner


def test_instant_kind_is_mailed_by_the_worker_after_commit(
    owner, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(owner.organisation, "Thu hồi lô L1", "/x/", kind=NotificationKind.RECALL)
    assert mail.outbox == []  # nothing is sent inside the request's transaction
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@example.vn"] and "Thu hồi lô L1" in message.body
    assert message.alternatives[0][1] == "text/html"


def test_in_app_only_and_digest_kinds_send_no_instant_mail(
    owner, immediate_tasks, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        user=owner, kind=NotificationKind.RECALL, delivery=Delivery.IN_APP
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify(owner.organisation, "Thu hồi", kind=NotificationKind.RECALL)
        notify(owner.organisation, "Khác", kind=NotificationKind.GENERAL)  # digest by default
    assert mail.outbox == []
    assert Notification.objects.count() == 2  # both still in the in-app list


def test_each_user_of_an_organisation_gets_their_own_choice(
    owner, immediate_tasks, django_capture_on_commit_callbacks
):
    staff = UserFactory(organisation=owner.organisation, role="staff", email="staff@example.vn")
    NotificationPreference.objects.create(
        user=staff, kind=NotificationKind.RECALL, delivery=Delivery.DIGEST
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify(owner.organisation, "Thu hồi", kind=NotificationKind.RECALL)
    assert [m.to for m in mail.outbox] == [["owner@example.vn"]]


def test_digest_gathers_the_days_notices_once(owner):
    notify(owner.organisation, "Hồ sơ A đã duyệt", kind=NotificationKind.REVISION_DECIDED)
    notify(owner.organisation, "Thu hồi", kind=NotificationKind.RECALL)  # instant: not in it
    assert notifications.send_digests() == 1
    body = mail.outbox[0].body
    assert "Hồ sơ A đã duyệt" in body and "Thu hồi" not in body
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    assert notifications.send_digests(now=timezone.now() + timedelta(seconds=1)) == 0


def test_digest_is_in_the_users_language(owner):
    notifications.set_preferences(owner, choices={}, language="en")
    notify(owner.organisation, "Tin", kind=NotificationKind.GENERAL)
    notifications.send_digests()
    assert 'lang="en"' in mail.outbox[0].alternatives[0][0]


def test_preferences_page_stores_a_choice_per_kind(owner, login):
    client = login(owner)
    page = client.get(reverse("feedback:preferences"))
    assert page.status_code == 200
    data = {f"kind_{k}": v for k, v in notifications.preferences(owner).items()}
    data |= {"kind_recall": "in_app", "language": "vi"}
    assert client.post(reverse("feedback:preferences"), data).status_code == 302
    assert notifications.preferences(owner)["recall"] == Delivery.IN_APP
    assert NotificationPreference.objects.filter(user=owner).count() == 1  # defaults keep no row


def test_preferences_page_needs_login(client):
    response = client.get(reverse("feedback:preferences"))
    assert response.status_code == 302 and "login" in response["Location"]
