"""DOST's table of GS1 prefixes that another resolver handles."""

import pytest

from txng.audit.models import AuditEntry
from txng.resolver.models import Delegation

pytestmark = pytest.mark.django_db

URL = "/manage/gs1-delegations/"


def test_dost_adds_a_delegation_and_it_is_audited(client, dost_admin):
    client.force_login(dost_admin)
    response = client.post(
        URL,
        {"prefix": "8936001", "resolver_url": "https://truyxuat.example/", "name": "TXNG Bắc Ninh"},
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    assert delegation.resolver_url == "https://truyxuat.example"  # the slash is not doubled
    entry = AuditEntry.objects.get(action="resolver.save_delegation")
    assert entry.changes["prefix"] == [None, "8936001"]
    assert "8936001" in client.get(URL).content.decode()


@pytest.mark.parametrize(
    "field,value",
    [("prefix", "89"), ("prefix", "893A"), ("resolver_url", "http://truyxuat.example")],
)
def test_a_bad_prefix_or_a_plain_http_address_is_refused(client, dost_admin, field, value):
    client.force_login(dost_admin)
    data = {"prefix": "8936001", "resolver_url": "https://truyxuat.example", "name": "X"}
    response = client.post(URL, {**data, field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Delegation.objects.exists()


def test_dost_deletes_a_delegation_and_it_is_audited(client, dost_admin):
    delegation = Delegation.objects.create(
        prefix="8936001", resolver_url="https://truyxuat.example", name="X"
    )
    client.force_login(dost_admin)
    assert client.post(f"{URL}{delegation.pk}/delete/").status_code == 302
    assert not Delegation.objects.exists()
    assert AuditEntry.objects.filter(action="resolver.delete_delegation").count() == 1


def test_only_dost_manages_delegations(client, dept_officer, biz_owner):
    delegation = Delegation.objects.create(
        prefix="8936001", resolver_url="https://truyxuat.example", name="X"
    )
    data = {"prefix": "893", "resolver_url": "https://evil.example", "name": "Y"}
    for user in (dept_officer, biz_owner):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, data).status_code == 403
        assert client.post(f"{URL}{delegation.pk}/delete/").status_code == 403
    client.logout()
    assert "/accounts/login/" in client.get(URL)["Location"]
    assert list(Delegation.objects.values_list("prefix", flat=True)) == ["8936001"]
