import pytest
from django.urls import reverse

from txng.epcis.models import ApiKey

pytestmark = pytest.mark.django_db


def test_owner_makes_a_key_and_sees_it_once(client, biz_owner):
    client.force_login(biz_owner)
    page = client.post(
        reverse("apikeys:keys"), {"name": "phần mềm kho", "scopes": ["capture", "query"]}
    )
    key = ApiKey.objects.get()
    text = page.content.decode()
    assert f"txng_{key.prefix}_" in text
    again = client.get(reverse("apikeys:keys")).content.decode()
    assert f"txng_{key.prefix}_" not in again and "phần mềm kho" in again


def test_key_without_name_names_the_field(client, biz_owner):
    client.force_login(biz_owner)
    page = client.post(reverse("apikeys:keys"), {"name": "", "scopes": ["query"]})
    assert page.status_code == 200 and not ApiKey.objects.exists()
    assert "Tên khóa" in page.content.decode()


def test_owner_revokes_and_rotates_from_the_page(client, biz_owner):
    client.force_login(biz_owner)
    client.post(reverse("apikeys:keys"), {"name": "kho", "scopes": ["query"]})
    key = ApiKey.objects.get()
    page = client.post(reverse("apikeys:rotate", args=[key.pk]))
    new = ApiKey.objects.get(revoked_at__isnull=True)
    assert f"txng_{new.prefix}_" in page.content.decode()
    client.post(reverse("apikeys:revoke", args=[new.pk]))
    assert not ApiKey.objects.filter(revoked_at__isnull=True).exists()


def test_staff_may_not_open_the_keys_page(client, biz_owner):
    from txng.accounts.tests.factories import UserFactory

    staff = UserFactory(organisation=biz_owner.organisation, role="staff")
    client.force_login(staff)
    assert client.get(reverse("apikeys:keys")).status_code == 403
