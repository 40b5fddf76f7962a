"""One test per check of the GS1-Conformant Resolver 1.1 list (docs/resolver.md names them)."""

import json

import pytest

from txng.resolver.tests.conftest import FACILITY_GLN, GTIN, PARTY_GLN
from txng.stamps.models import Scan

pytestmark = pytest.mark.django_db

LINKSET = "application/linkset+json"
VOC = "https://gs1.org/voc/"
IANA_TYPES = {"text/html", "application/json", "application/ld+json"}


def _linkset(client, url, secure=False, **headers):
    response = client.get(url, headers={"Accept": LINKSET, **headers}, secure=secure)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == LINKSET
    return response, json.loads(response.content)["linkset"]


def _links(entry):
    return {key: value for key, value in entry.items() if key.startswith(VOC)}


def test_every_key_qualifier_path_of_a_gtin_resolves(client, lot, stamp, facility, party):
    serial = stamp.code[:-1]
    assert client.get(f"/01/{GTIN}")["Location"] == lot.product.get_absolute_url()
    assert client.get(f"/01/{GTIN}/10/{lot.code}")["Location"] == lot.get_absolute_url()
    assert client.get(f"/01/{GTIN}/10/{lot.code}/21/{serial}").status_code == 200
    assert client.get(f"/01/{GTIN}/21/{serial}").status_code == 200
    # Variant (22) and third-party serial (235): read, and walked up to what the system holds.
    for qualifier in (f"/22/V1/10/{lot.code}", "/235/XYZ"):
        assert client.get(f"/01/{GTIN}{qualifier}").status_code == 307
    assert client.get("/00/389300000000000010").status_code == 307
    assert client.get(f"/414/{FACILITY_GLN}").status_code == 307
    assert client.get(f"/414/{FACILITY_GLN}/254/A1").status_code == 307  # GLN extension
    assert client.get(f"/417/{PARTY_GLN}").status_code == 307


def test_get_head_and_options_are_answered(client, product):
    assert client.get(f"/01/{GTIN}").status_code == 307
    assert client.head(f"/01/{GTIN}").status_code == 307
    response = client.options(f"/01/{GTIN}")
    assert response.status_code == 204
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_the_resolver_root_and_its_links_are_https(client, product):
    assert client.get("/.well-known/gs1resolver").json()["resolverRoot"].startswith("https://")
    _response, linkset = _linkset(client, f"/01/{GTIN}", secure=True)
    hrefs = [t["href"] for e in linkset for targets in _links(e).values() for t in targets]
    assert hrefs and all(href.startswith("https://") for href in hrefs)


def test_answers_carry_cors_headers(client, product):
    for response in (
        client.get(f"/01/{GTIN}"),
        client.options(f"/01/{GTIN}", headers={"Origin": "https://app.example"}),
        client.get(f"/01/{GTIN}", headers={"Accept": LINKSET}),
        client.get("/01/08934567890001"),
        client.get("/.well-known/gs1resolver"),
    ):
        assert response["Access-Control-Allow-Origin"] == "*"
    # A web app on another site reads where it would go and the linkset's address.
    exposed = client.get(f"/01/{GTIN}")["Access-Control-Expose-Headers"]
    assert "Link" in exposed and "Location" in exposed


@pytest.mark.parametrize(
    "path",
    [
        "/01/08934567890001",  # wrong check digit
        "/01/0893456789000",  # 13 digits with a wrong check digit
        "/01/123",  # not a GTIN length
        "/01/08934567890007/10/" + "A" * 21,  # lot longer than AI 10 allows
        "/01/08934567890007/99/x",  # not a qualifier of a GTIN
        "/01/08934567890007/21/a/10/b",  # qualifiers out of order
        "/01/08934567890007/10",  # an AI without a value
        "/00/389300000000000011",  # SSCC check digit
        "/414/8934567000018",  # GLN check digit
        "/417/893456700002",  # GLN length
    ],
)
def test_malformed_uri_or_wrong_check_digit_is_400(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert response.content  # the reason, in Vietnamese


def test_errors_never_answer_200(client, product):
    assert client.get("/01/08934567890001").status_code == 400
    assert client.get("/01/08934567890014").status_code == 404  # valid, not known
    assert client.get("/01/08934567890014", headers={"Accept": LINKSET}).status_code == 404
    assert client.get(f"/01/{GTIN}?linkType=gs1:nutritionalInfo").status_code == 404
    assert client.post(f"/01/{GTIN}").status_code == 405


def test_compressed_uri_is_answered_as_the_uncompressed_one(client, lot):
    # (01)08934567890007(10)BHD-2026-10, fully compressed and with the GTIN written out.
    for compressed in ("/ARBAe32YriDWCOH9tpt19ro", f"/01/{GTIN}/EGsEcP7bTbr7XQ"):
        response = client.get(compressed)
        assert response.status_code == 307  # to the lot's page, not to /01/…/10/… here
        assert response["Location"] == lot.get_absolute_url()
        same_as = f'<http://testserver/01/{GTIN}/10/{lot.code}>; rel="owl:sameAs"'
        assert same_as in response["Link"]
        _response, linkset = _linkset(client, compressed)
        assert linkset[0]["anchor"] == f"http://testserver/01/{GTIN}/10/{lot.code}"
    # A page of the site is never taken for a compressed link, with or without its slash.
    assert client.get("/ARBAe32Yrg?linkType=gs1:pip")["Location"].startswith(
        lot.product.get_absolute_url()
    )
    assert client.get("/khongphaimaGS1").status_code == 404
    assert client.get("/san-pham-thu-hoi")["Location"] == "/san-pham-thu-hoi/"
    assert client.get("/ARBAe32YsA").status_code == 400  # GTIN …0008: wrong check digit


def test_linkset_by_query_and_by_accept_header(client, product):
    by_accept, linkset = _linkset(client, f"/01/{GTIN}")
    for query in ("linkset", "all"):
        response = client.get(f"/01/{GTIN}?linkType={query}")
        assert response["Content-Type"] == LINKSET
        assert json.loads(response.content)["linkset"] == linkset
    assert linkset[0][VOC + "pip"][0]["href"].endswith(product.get_absolute_url())


def test_linkset_includes_each_level_up_to_the_primary_key(client, lot, stamp):
    url = f"/01/{GTIN}/10/{lot.code}/21/{stamp.code[:-1]}"
    _response, linkset = _linkset(client, url)
    anchors = [entry["anchor"] for entry in linkset]
    assert anchors == [
        f"http://testserver{url}",
        f"http://testserver/01/{GTIN}/10/{lot.code}",
        f"http://testserver/01/{GTIN}",
    ]
    assert VOC + "verificationService" in linkset[0]
    assert VOC + "traceability" in linkset[1]
    assert VOC + "pip" in linkset[2]


def test_linkset_subject_is_the_uncompressed_uri(client, product):
    # GTIN-13 in the request: the subject is the full Digital Link form, GTIN-14.
    _response, linkset = _linkset(client, "/01/8934567890007")
    assert linkset[0]["anchor"] == f"http://testserver/01/{GTIN}"


def test_every_link_has_target_type_and_title(client, lot):
    _response, linkset = _linkset(client, f"/01/{GTIN}/10/{lot.code}")
    for entry in linkset:
        for link_type, targets in _links(entry).items():
            assert link_type.startswith(VOC)
            for target in targets:
                assert target["href"].startswith("http") and target["title"]


def test_link_media_types_are_registered_with_iana(client, lot):
    _response, linkset = _linkset(client, f"/01/{GTIN}/10/{lot.code}")
    types = {t["type"] for e in linkset for ts in _links(e).values() for t in ts if "type" in t}
    assert types and types <= IANA_TYPES


def test_default_link_is_also_a_typed_link(client, lot):
    _response, linkset = _linkset(client, f"/01/{GTIN}/10/{lot.code}")
    for entry in linkset:
        (default,) = entry[VOC + "defaultLink"]
        typed = [
            t["href"]
            for key, targets in _links(entry).items()
            if key != VOC + "defaultLink"
            for t in targets
        ]
        assert default["href"] in typed


def test_linkset_answer_points_to_the_json_ld_context(client, product):
    response, _linkset_ = _linkset(client, f"/01/{GTIN}")
    assert 'rel="http://www.w3.org/ns/json-ld#context"' in response["Link"]
    assert "https://ref.gs1.org/standards/resolver/linkset-context" in response["Link"]


def test_default_link_has_no_optional_attributes(client, product):
    _response, linkset = _linkset(client, f"/01/{GTIN}")
    (default,) = linkset[0][VOC + "defaultLink"]
    assert set(default) == {"href", "title"}


def test_plain_request_redirects_to_the_default_link(client, lot):
    response = client.get(f"/01/{GTIN}/10/{lot.code}")
    assert response.status_code == 307
    assert response["Location"] == lot.get_absolute_url()


def test_unknown_qualifier_walks_up_to_a_default_link(client, product):
    response = client.get(f"/01/{GTIN}/10/KHONG-CO")
    assert response.status_code == 307
    assert response["Location"] == product.get_absolute_url()
    _response, linkset = _linkset(client, f"/01/{GTIN}/10/KHONG-CO")
    assert [e["anchor"] for e in linkset] == [f"http://testserver/01/{GTIN}"]


def test_link_type_redirects_to_that_link(client, lot):
    response = client.get(f"/01/{GTIN}/10/{lot.code}?linkType=gs1:pip")
    assert response.status_code == 307  # walks up: the product's page
    assert response["Location"].startswith(lot.product.get_absolute_url())
    response = client.get(f"/01/{GTIN}/10/{lot.code}?linkType=gs1:traceability")
    assert response["Location"].startswith(lot.get_absolute_url())


def test_unknown_link_type_is_404(client, product):
    assert client.get(f"/01/{GTIN}?linkType=gs1:nutritionalInfo").status_code == 404
    assert client.get(f"/01/{GTIN}?linkType=example:thing").status_code == 404


def test_redirect_keeps_the_query_string(client, lot):
    response = client.get(f"/01/{GTIN}/10/{lot.code}?17=261231&utm_source=tem")
    assert response.status_code == 307
    assert response["Location"] == f"{lot.get_absolute_url()}?17=261231&utm_source=tem"
    response = client.get(f"/01/{GTIN}?linkType=gs1:pip&x=1")
    assert response["Location"].endswith("?linkType=gs1:pip&x=1")


@pytest.mark.parametrize(
    "accept,language",
    [
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("vi,en;q=0.8", "vi"),
        ("en;q=0.5,vi;q=0.9", "vi"),
        ("fr,en;q=0.3", "en"),
        ("fr", "vi"),
        ("en;q=0", "vi"),
        ("", "vi"),
    ],
)
def test_accept_language_chooses_between_a_links_languages(client, product, accept, language):
    page = product.get_absolute_url()
    response = client.get(f"/01/{GTIN}?x=1", headers={"Accept-Language": accept})
    expected = f"{page}?lang=en&x=1" if language == "en" else f"{page}?x=1"
    assert response.status_code == 307 and response["Location"] == expected
    assert "Accept-Language" in response["Vary"]


def test_linkset_offers_each_page_in_vietnamese_and_english(client, product):
    _response, linkset = _linkset(client, f"/01/{GTIN}")
    pip = linkset[0][VOC + "pip"]
    assert [(t["hreflang"], t["href"].endswith("?lang=en")) for t in pip] == [
        (["vi"], False),
        (["en"], True),
    ]
    assert pip[1]["title"] != pip[0]["title"]  # the English title
    # The English link is the page in English, for that request only (no language cookie).
    english = client.get(pip[1]["href"].removeprefix("http://testserver"))
    assert english.status_code == 200 and 'lang="en"' in english.content.decode()
    assert "django_language" not in english.cookies


def test_description_file_at_well_known(client):
    response = client.get("/.well-known/gs1resolver")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["name"] and body["resolverRoot"]
    assert {"namespace": VOC, "prefix": "gs1:"} in body["supportedLinkType"]


def test_description_lists_supported_primary_keys(client):
    keys = client.get("/.well-known/gs1resolver").json()["supportedPrimaryKeys"]
    assert set(keys) == {"01", "00", "414", "417"}


def test_description_declares_the_linkset_context(client):
    body = client.get("/.well-known/gs1resolver").json()
    assert body["jsonLdContextLocation"] == (
        "https://ref.gs1.org/standards/resolver/linkset-context"
    )


def test_redirect_by_company_prefix_is_annotated_handled_by(client, product):
    from txng.resolver.models import Delegation

    Delegation.objects.create(prefix="893", resolver_url="https://id.vn.example", name="GS1 VN")
    Delegation.objects.create(
        prefix="8936001", resolver_url="https://truyxuat.bacninh.example", name="TXNG Bắc Ninh"
    )
    other = "08936001000010"  # a Bắc Ninh company's GTIN: nothing on it here
    response = client.get(f"/01/{other}/10/L1?linkType=gs1:pip")
    assert response.status_code == 307
    target = f"https://truyxuat.bacninh.example/01/{other}/10/L1"
    assert response["Location"] == f"{target}?linkType=gs1:pip"  # the longest prefix wins
    assert f'<{target}>; rel="gs1:handledBy"' in response["Link"]
    _response, linkset = _linkset(client, f"/01/{other}")
    assert (
        linkset[0][VOC + "handledBy"][0]["href"] == f"https://truyxuat.bacninh.example/01/{other}"
    )
    # A stamp's URI under that GTIN goes there too; this province's own GTIN is answered here
    # whatever the prefix, and a GTIN with no delegated prefix is still 404.
    assert client.get(f"/01/{other}/21/ABCDEFGHJKMNPQ")["Location"].startswith(target[:-8])
    assert client.get(f"/01/{GTIN}")["Location"] == product.get_absolute_url()
    assert client.get("/01/04006381333931").status_code == 404


def test_trailing_slash_is_tolerated(client, lot):
    assert client.get(f"/01/{GTIN}/")["Location"] == lot.product.get_absolute_url()
    assert client.get(f"/01/{GTIN}/10/{lot.code}/")["Location"] == lot.get_absolute_url()


def test_link_header_names_the_linkset_even_when_redirecting(client, product):
    response = client.get("/01/8934567890007")
    assert response.status_code == 307
    link = response["Link"]
    assert f'<http://testserver/01/{GTIN}?linkType=linkset>; rel="linkset"' in link
    assert f'<https://id.gs1.org/01/{GTIN}>; rel="owl:sameAs"' in link


def test_gs1_link_types_are_accepted_as_curie_or_iri(client, product):
    for name in ("gs1:pip", f"{VOC}pip", "https://ref.gs1.org/voc/pip"):
        response = client.get(f"/01/{GTIN}", {"linkType": name})
        assert response.status_code == 307, name


def test_head_and_options_of_a_stamp_are_not_counted_as_scans(client, stamp):
    url = f"/01/{GTIN}/21/{stamp.code[:-1]}"
    client.head(url)
    client.options(url)
    assert Scan.objects.count() == 0
    response = client.get(url)
    assert Scan.objects.count() == 1
    # The scan page's own Vary (the page differs by cookie) is kept beside the resolver's.
    vary = {value.strip() for value in response["Vary"].split(",")}
    assert {"Accept", "Accept-Language", "Cookie"} <= vary
