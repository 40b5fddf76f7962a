"""A department's system sends organisations and products; the province fills its gaps, never
overwrites silently, and DOST settles the differences."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from txng.accounts.models import Organisation
from txng.accounts.tests.factories import valid_tax_code
from txng.audit.models import AuditEntry
from txng.catalog.models import Product
from txng.national import sector
from txng.national.models import ImportState, SectorRecord

pytestmark = pytest.mark.django_db


def test_a_new_business_is_created_and_a_known_one_only_gets_its_blanks_filled(
    dept_officer, business
):
    business.phone = ""
    business.save()
    new_code = valid_tax_code(900)
    rows = [
        {"tax_code": new_code, "name": "HTX Chè Bắc Ninh", "address": "Bắc Ninh"},
        {"tax_code": business.tax_code, "name": business.name, "phone": "0206 3850 000"},
    ]
    counts = sector.import_records("organisation", rows, actor=dept_officer)
    assert counts["created"] == 1 and counts["filled"] == 1 and counts["conflict"] == 0
    created = Organisation.objects.get(tax_code=new_code)
    assert created.is_business and dept_officer.organisation in created.managers.all()
    business.refresh_from_db()
    assert business.phone == "0206 3850 000"
    assert AuditEntry.objects.filter(action="national.sector_import").count() == 1


def test_different_data_goes_to_review_and_dost_takes_or_keeps_it(
    dept_officer, dost_admin, business
):
    old_name = business.name
    rows = [{"tax_code": business.tax_code, "name": "Tên khác trong hệ thống ngành"}]
    counts = sector.import_records("organisation", rows, actor=dept_officer)
    assert counts["conflict"] == 1
    business.refresh_from_db()
    assert business.name == old_name  # nothing overwritten before review
    item = SectorRecord.objects.get(state=ImportState.CONFLICT)
    assert item.differences == {"name": [old_name, "Tên khác trong hệ thống ngành"]}
    with pytest.raises(PermissionDenied):
        sector.decide(item, actor=dept_officer, take=True)
    sector.decide(item, actor=dost_admin, take=True)
    business.refresh_from_db()
    assert business.name == "Tên khác trong hệ thống ngành"
    assert AuditEntry.objects.filter(action="national.sector_decide").exists()


def test_products_are_matched_by_gtin_and_need_a_known_business(dept_officer, business):
    csv = (
        "gtin,tax_code,name,unit\n"
        f"8930000000019,{business.tax_code},Hạt dẻ,kg\n"
        f"8930000000026,{valid_tax_code(901)},Chè,gói\n"
    ).encode()
    counts = sector.import_records("product", sector.parse(csv, "text/csv"), actor=dept_officer)
    assert counts == {"created": 1, "filled": 0, "same": 0, "conflict": 0, "unknown": 1}
    assert Product.objects.get(gtin="8930000000019").business == business
    again = sector.import_records("product", sector.parse(csv, "text/csv"), actor=dept_officer)
    assert again["same"] == 1 and Product.objects.filter(gtin="8930000000019").count() == 1


def test_a_bad_row_names_its_line_and_field_and_nothing_is_saved(dept_officer, business):
    rows = [
        {"tax_code": valid_tax_code(902), "name": "Đúng"},
        {"tax_code": "123", "name": "Sai"},
    ]
    with pytest.raises(ValidationError) as exc:
        sector.import_records("organisation", rows, actor=dept_officer)
    assert "Dòng 2 (tax_code)" in exc.value.message_dict["file"][0]
    assert not Organisation.objects.filter(name="Đúng").exists()


def test_only_authorities_send_sector_data(biz_owner):
    with pytest.raises(PermissionDenied):
        sector.import_records("organisation", [], actor=biz_owner)


def test_the_api_takes_json_from_a_signed_in_authority(client, dept_officer, biz_owner):
    url = reverse("national:sector_api", args=["organisation"])
    body = json.dumps([{"tax_code": valid_tax_code(903), "name": "Cơ sở mới"}])
    client.force_login(biz_owner)
    assert client.post(url, body, content_type="application/json").status_code == 403
    client.force_login(dept_officer)
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200 and response.json()["created"] == 1
    bad = client.post(url, "{", content_type="application/json")
    assert bad.status_code == 400 and "JSON" in json.dumps(bad.json(), ensure_ascii=False)


def test_dost_reviews_conflicts_on_a_page(client, dept_officer, dost_admin, business):
    sector.import_records(
        "organisation", [{"tax_code": business.tax_code, "name": "Tên khác"}], actor=dept_officer
    )
    client.force_login(dost_admin)
    page = client.get(reverse("national:sector_review")).content.decode()
    assert "Tên khác" in page and business.name in page
    item = SectorRecord.objects.get()
    client.post(reverse("national:sector_review"), {"item": item.pk, "take": "0"})
    assert SectorRecord.objects.get().state == ImportState.KEPT


def test_the_api_takes_an_authority_key_with_the_sector_scope_only(
    client, department, biz_owner, dept_officer
):
    from django.test import Client

    from txng.accounts.tests.factories import UserFactory
    from txng.epcis import keys

    head = UserFactory(organisation=department, role="head", username="dept_head")
    url = reverse("national:sector_api", args=["organisation"])
    body = json.dumps([{"tax_code": valid_tax_code(904), "name": "Cơ sở qua khóa"}])

    def post(key):
        return client.post(
            url, body, content_type="application/json", headers={"Authorization": f"Bearer {key}"}
        )

    with pytest.raises(ValidationError):
        keys.create_key(actor=biz_owner, name="kho", scopes=["sector"])
    business_key = keys.create_key(actor=biz_owner, name="kho", scopes=["query", "catalog"])[1]
    assert post(business_key).status_code == 403
    query_only = keys.create_key(actor=head, name="tra cứu", scopes=["query"])[1]
    assert post(query_only).status_code == 403
    assert post("txng_nothere_x").status_code == 401
    authority_key = keys.create_key(actor=head, name="phần mềm ngành", scopes=["sector"])[1]
    response = post(authority_key)
    assert response.status_code == 200 and response.json()["created"] == 1
    assert Organisation.objects.filter(name="Cơ sở qua khóa").exists()
    # Without a key, the session still needs its CSRF token.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(dept_officer)
    assert browser.post(url, body, content_type="application/json").status_code == 403
