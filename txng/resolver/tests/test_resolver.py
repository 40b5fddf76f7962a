import json

import pytest
from django.core.exceptions import ValidationError

from txng.resolver.tests.conftest import FACILITY_GLN, GTIN, PARTY_GLN
from txng.stamps import codes
from txng.tracing.codes import normalise_trace_code

pytestmark = pytest.mark.django_db


def test_gtin_of_withdrawn_or_unknown_product_is_not_found(client, product):
    product.__class__.objects.filter(pk=product.pk).update(
        state="withdrawn", withdrawn_reason="Sai nhãn"
    )
    assert client.get(f"/01/{GTIN}").status_code == 404
    assert client.get("/01/08934567890014").status_code == 404


def test_unknown_serial_under_a_gtin_says_stamp_is_not_from_this_system(client, product):
    body = codes.new_code()[:-1]
    response = client.get(f"/01/{GTIN}/21/{body}")
    assert response.status_code == 404
    assert "không do hệ thống này cấp" in response.content.decode()


def test_stored_lot_trace_code_in_digital_link_form_opens_the_lot_page(client, lot):
    """The code the trace API takes, written as a Digital Link path, opens that lot's page."""
    assert lot.trace_code == f"(01){GTIN}(10)BHD-2026-10"
    assert normalise_trace_code(f"01/{GTIN}/10/BHD-2026-10") == lot.trace_code
    response = client.get(f"/01/{GTIN}/10/BHD-2026-10")
    assert response.status_code == 307 and response["Location"] == lot.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_trace_entry_points_read_a_compressed_or_whole_digital_link(client, lot):
    for typed in (
        "ARBAe32YriDWCOH9tpt19ro",
        "https://id.gs1.org/ARBAe32YriDWCOH9tpt19ro",
        f"https://id.gs1.org/01/{GTIN}/EGsEcP7bTbr7XQ",
        f"https://example.vn/01/{GTIN}/10/BHD-2026-10",
    ):
        assert normalise_trace_code(typed) == lot.trace_code, typed
    assert normalise_trace_code("ARBAe32Yrg") == "ARBAe32Yrg"  # a GTIN alone is no lot
    assert client.get("/api/v1/trace/ARBAe32YriDWCOH9tpt19ro").status_code == 200


def test_a_lot_of_a_draft_product_is_not_resolved(client, biz_owner):
    from txng.catalog.tests.helpers import draft
    from txng.tracing import actions

    product, _rev = draft(biz_owner, gtin="08934567890014")
    actions.create_lot(actor=biz_owner, product=product, code="NHAP-1", quantity=1)
    assert client.get("/01/08934567890014/10/NHAP-1").status_code == 404


def test_a_pallet_link_takes_the_signed_in_receiver_to_what_came_on_it(
    client, other_biz, dept_officer
):
    sscc = "389300000000000010"
    response = client.get(f"/00/{sscc}")
    assert response.status_code == 307 and response["Location"] == f"/nhan-hang/?sscc={sscc}"
    assert "/accounts/login/" in client.get(response["Location"])["Location"]
    client.force_login(other_biz)
    assert client.get(response["Location"]).status_code == 200


def test_a_location_gln_opens_its_business_page(client, facility, business):
    from txng.catalog.models import business_url

    response = client.get(f"/414/{FACILITY_GLN}")
    assert response.status_code == 307 and response["Location"] == business_url(business)
    assert client.get("/414/8934567000031").status_code == 404  # valid, not ours


def test_a_party_gln_opens_its_business_page(client, party):
    from txng.catalog.models import business_url

    response = client.get(f"/417/{PARTY_GLN}")
    assert response.status_code == 307 and response["Location"] == business_url(party)


def test_organisation_gln_is_validated_and_unique(business, other_business):
    business.gln = "8934567000018"  # wrong check digit
    with pytest.raises(ValidationError) as error:
        business.full_clean()
    assert "gln" in error.value.message_dict
    business.gln = PARTY_GLN
    business.save()
    other_business.gln = PARTY_GLN
    with pytest.raises(ValidationError) as error:
        other_business.full_clean()
    assert "GLN" in " ".join(error.value.messages)


def test_epcis_link_is_offered_only_when_the_epcis_api_is_there(client, lot):
    from django.urls import NoReverseMatch, reverse

    response = client.get(f"/01/{GTIN}/10/{lot.code}?linkType=linkset")
    entry = json.loads(response.content)["linkset"][0]
    try:
        reverse("epcis:events")
    except NoReverseMatch:
        assert "https://gs1.org/voc/epcis" not in entry
    else:
        (link,) = entry["https://gs1.org/voc/epcis"]
        assert "MATCH_epcClass=https://id.gs1.org/01/" in link["href"]


def test_a_recalled_lot_links_its_recall_status(client, lot, biz_owner):
    from txng.tracing import actions

    actions.recall_lots([lot], actor=biz_owner, reason="Nghi nhiễm nấm mốc")
    response = client.get(f"/01/{GTIN}/10/{lot.code}?linkType=gs1:recallStatus")
    assert response.status_code == 307
    assert response["Location"] == f"{lot.get_absolute_url()}?linkType=gs1:recallStatus"


def test_the_https_uris_events_use_without_a_gs1_key_resolve(client, business, biz_owner):
    from urllib.parse import urlsplit

    from txng.catalog.models import business_url
    from txng.tracing import actions
    from txng.tracing.codes import location_uri, lot_class_uri, offline_party_uri, party_uri
    from txng.tracing.tests.conftest import make_product

    product = make_product(business, "Miến dong")
    lot = actions.create_lot(actor=biz_owner, product=product, code="M-1", quantity=5)

    def get(uri):
        return client.get(urlsplit(uri).path)

    assert get(party_uri(business))["Location"] == business_url(business)
    assert get(offline_party_uri("ABCDEFGHJK")).status_code == 404  # no page for a walk-in
    assert get(lot_class_uri(lot))["Location"] == lot.get_absolute_url()
    assert get(location_uri(lot.facility))["Location"] == business_url(business)


@pytest.mark.parametrize(
    "path",
    [
        f"01/{GTIN}/10/BHD-2026-10/21/ABCDEFGHJKMNPQ",
        f"01/{GTIN}/21/ABCDEFGHJKMNPQ/",
        "01/08934567890008/21/ABCDEFGHJKMNPQ",  # check digit: the slow path refuses it
    ],
)
def test_a_stamp_uri_reads_the_same_on_the_fast_path_as_through_biip(path):
    from txng.resolver.digital_link import DigitalLinkError, parse

    try:
        fast = parse(path)
    except DigitalLinkError:
        fast = "error"
    try:
        slow = parse(path, "utm=1")  # a query string sends it through biip
    except DigitalLinkError:
        slow = "error"
    assert fast == slow


def test_gtin_and_lot_offer_the_digital_product_passport_as_master_data(client, lot):
    from django.urls import reverse

    master = "https://gs1.org/voc/masterData"
    product_level = json.loads(client.get(f"/01/{GTIN}?linkType=linkset").content)["linkset"]
    hrefs = [link["href"] for link in product_level[0][master]]
    assert any(h.endswith(reverse("national:passport", args=[lot.product.pk])) for h in hrefs)
    assert any(h.endswith(reverse("national:passport_ld", args=[lot.product.pk])) for h in hrefs)
    lot_levels = json.loads(client.get(f"/01/{GTIN}/10/{lot.code}?linkType=linkset").content)
    lot_links = lot_levels["linkset"][0][master]
    page = reverse("national:passport_lot", args=[lot.trace_code])
    assert any(link["href"].endswith(page) for link in lot_links)
    assert client.get(page).status_code == 200
