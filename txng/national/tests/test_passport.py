"""The digital product passport: Decree 37/2026 Art. 32's items, as a page and as JSON-LD that a
JSON-LD processor expands without errors, with fields that depend on who reads it."""

import json

import pytest
from django.urls import reverse
from pyld import jsonld

from txng.national.passport import ART32
from txng.tracing import actions as tracing

pytestmark = pytest.mark.django_db

SCHEMA = "https://schema.org/"
GS1 = "https://ref.gs1.org/voc/"


def _no_network(url, options=None):
    raise AssertionError(f"the passport must expand offline, it fetched {url}")


def _ld(client, url):
    response = client.get(url)
    assert response["Content-Type"].startswith("application/ld+json")
    return json.loads(response.content)


def test_the_page_shows_each_of_art_32s_items(client, lot, certificate):
    page = client.get(reverse("national:passport_lot", args=[lot.trace_code])).content.decode()
    assert [key for key, _label in ART32] == [
        "identity",
        "operator",
        "origin",
        "traceability",
        "certificates",
        "dates",
        "warnings",
        "other",
    ]
    for key, _label in ART32:
        assert f'id="{key}"' in page
    for fact in [
        "Hạt dẻ Trùng Khánh",
        "8930000000019",
        lot.business.name,
        lot.business.tax_code,
        "Trùng Khánh, Cao Bằng",
        "HQ-01/2026",
        "02/01/2026",
        "31/12/2026",
        "Bảo quản nơi khô ráo",
    ]:
        assert fact in page


def test_the_json_ld_expands_offline_with_art_32s_items(client, lot, certificate):
    doc = _ld(client, reverse("national:passport_lot_ld", args=[lot.trace_code]))
    expanded = jsonld.expand(doc, {"documentLoader": _no_network})
    assert len(expanded) == 1
    node = expanded[0]
    assert SCHEMA + "Product" in node["@type"] and GS1 + "Product" in node["@type"]
    value = lambda key: node[key][0].get("@value")  # noqa: E731
    assert value(SCHEMA + "name") == "Hạt dẻ Trùng Khánh"
    assert value(GS1 + "gtin") == "8930000000019"
    maker = node[SCHEMA + "manufacturer"][0]
    assert maker[SCHEMA + "taxID"][0]["@value"] == lot.business.tax_code
    assert SCHEMA + "address" in maker
    assert node[SCHEMA + "countryOfOrigin"][0][SCHEMA + "name"][0]["@value"]
    assert node["https://txng.example/ns#traceability"]
    cert = node[SCHEMA + "hasCertification"][0]
    assert cert[SCHEMA + "certificationIdentification"][0]["@value"] == "HQ-01/2026"
    assert value(SCHEMA + "productionDate") == "2026-01-02"
    assert value(GS1 + "expirationDate") == "2026-12-31"
    assert value(GS1 + "hasBatchLotNumber") == "HD-01"
    assert node["https://txng.example/ns#safetyWarning"]


def test_an_open_recall_is_in_the_passport(client, lot, dept_officer):
    tracing.recall_lots([lot], actor=dept_officer, reason="Nhiễm nấm mốc")
    doc = _ld(client, reverse("national:passport_ld", args=[lot.product_id]))
    assert doc["txng:recall"][0]["description"] == "Nhiễm nấm mốc"
    page = client.get(reverse("national:passport", args=[lot.product_id])).content.decode()
    assert "Nhiễm nấm mốc" in page


def test_the_public_the_operator_and_the_authority_see_different_fields(
    client, lot, biz_owner, dept_officer
):
    lot.business.phone = "0206 1234 567"
    lot.business.save()
    url = reverse("national:passport_lot_ld", args=[lot.trace_code])
    public = _ld(client, url)
    assert public["txng:audience"] == "public"
    assert "telephone" not in public["manufacturer"] and "txng:inStock" not in public
    client.force_login(biz_owner)
    operator = _ld(client, url)
    assert operator["txng:audience"] == "operator" and operator["txng:inStock"] == "100.000"
    assert "telephone" not in operator["manufacturer"]
    client.force_login(dept_officer)
    authority = _ld(client, url)
    assert authority["txng:audience"] == "authority"
    assert authority["manufacturer"]["telephone"] == "0206 1234 567"


def test_an_unapproved_document_shows_only_to_the_authority(client, certificate, dept_officer):
    certificate.approved = False
    certificate.save()
    url = reverse("national:passport_ld", args=[certificate.product_id])
    assert "hasCertification" not in _ld(client, url)
    client.force_login(dept_officer)
    assert _ld(client, url)["hasCertification"]


def test_a_draft_product_has_no_passport(client, product):
    product.state = "draft"
    product.save()
    assert client.get(reverse("national:passport", args=[product.pk])).status_code == 404


def test_the_product_passport_lists_the_makers_lots_with_their_passports(client, lot):
    page = client.get(reverse("national:passport", args=[lot.product_id])).content.decode()
    assert reverse("national:passport_lot", args=[lot.trace_code]) in page


def test_an_official_gets_the_link_to_the_portals_record_once_it_accepted_the_product(
    client, product, dept_officer, nbc, settings
):
    from txng.national.models import OutboxRow, SyncState
    from txng.national.outbox import enqueue

    row = enqueue(nbc, "product", product.pk)
    OutboxRow.objects.filter(pk=row.pk).update(state=SyncState.ACCEPTED, hub_ref="SP-42")
    settings.NATIONAL_HUB_LINKS = {"nbc": "https://portal.example/san-pham/{ref}"}
    client.force_login(dept_officer)
    doc = _ld(client, reverse("national:passport_ld", args=[product.pk]))
    assert doc["sameAs"] == ["https://portal.example/san-pham/SP-42"]
