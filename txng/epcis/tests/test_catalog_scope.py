"""The "catalog" scope of an API key: a business's software reads its own products and
facilities at /api/v1/catalog/, an authority's reads those of the businesses it manages;
a key without the scope is refused there with 403."""

import pytest

from txng.accounts.tests.factories import UserFactory
from txng.catalog.tests.helpers import draft, facility
from txng.epcis import keys

pytestmark = pytest.mark.django_db


def _key(user, scopes):
    return keys.create_key(actor=user, name="phần mềm", scopes=scopes)[1]


def _get(client, path, key, **params):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return client.get(f"/api/v1/catalog/{path}", params, headers=headers)


@pytest.fixture
def catalog(biz_owner, other_biz):
    mine, _rev = draft(biz_owner, name="Hạt dẻ rang", gtin="8930000000019")
    theirs, _rev = draft(other_biz, name="Trà Non Nước")
    return {
        "mine": mine,
        "theirs": theirs,
        "farm": facility(biz_owner.organisation, name="Vườn Đình Phong"),
        "their_farm": facility(other_biz.organisation, name="Đồi chè"),
    }


def test_a_catalog_key_reads_its_own_products_and_facilities_only(client, biz_owner, catalog):
    key = _key(biz_owner, ["catalog"])
    products = _get(client, "products", key)
    assert products.status_code == 200, products.content
    assert [p["id"] for p in products.json()["items"]] == [catalog["mine"].pk]
    assert products.json()["items"][0]["state"] == catalog["mine"].state  # drafts too
    facilities = _get(client, "facilities", key).json()["items"]
    assert [f["name"] for f in facilities] == ["Vườn Đình Phong"]


def test_a_key_without_the_catalog_scope_is_refused_403(client, biz_owner, catalog):
    key = _key(biz_owner, ["capture", "query"])
    for path in ("products", "facilities", "businesses"):
        response = _get(client, path, key)
        assert response.status_code == 403
        assert "catalog" in response.json()["detail"]


def test_no_key_or_a_revoked_one_is_refused_401(client, biz_owner, catalog):
    row, key = keys.create_key(actor=biz_owner, name="cũ", scopes=["catalog"])
    keys.revoke_key(row, actor=biz_owner)
    assert _get(client, "products", key).status_code == 401
    assert _get(client, "products", None).status_code == 401


def test_a_signed_in_session_is_not_a_catalog_key(client, biz_owner, catalog):
    client.force_login(biz_owner)
    assert _get(client, "products", None).status_code == 401


def test_an_authority_key_reads_the_businesses_it_manages(
    client, department, other_commune, biz_owner, catalog
):
    head = UserFactory(organisation=department, role="head")
    key = _key(head, ["catalog"])
    businesses = _get(client, "businesses", key).json()["items"]
    assert [b["id"] for b in businesses] == [biz_owner.organisation_id]
    products = _get(client, "products", key).json()["items"]
    assert [p["id"] for p in products] == [catalog["mine"].pk]
    outsider = _key(UserFactory(organisation=other_commune, role="head"), ["catalog"])
    outsider_sees = [p["id"] for p in _get(client, "products", outsider).json()["items"]]
    assert outsider_sees == [catalog["theirs"].pk]


def test_a_business_key_has_no_list_of_businesses(client, biz_owner, catalog):
    assert _get(client, "businesses", _key(biz_owner, ["catalog"])).status_code == 403
