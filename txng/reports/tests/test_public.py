from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from txng.catalog.tests.helpers import published
from txng.ocop.tests.helpers import result_for
from txng.reports import tallies

pytestmark = pytest.mark.django_db


def test_public_statistics_show_counts_without_personal_data(client, chain, business):
    tallies.refresh()
    html = client.get(reverse("reports:public_stats")).content.decode()
    assert "CC BY 4.0" in html
    assert "Sản phẩm đang công bố theo nhóm" in html
    assert business.name not in html
    assert business.tax_code not in html


def test_open_data_as_json_and_csv_with_licence(client, chain, business):
    tallies.refresh()
    data = client.get(reverse("reports:public_stats_data", args=["json"])).json()
    assert data["licence"] == "CC BY 4.0"
    tables = {t["key"]: {r["label"]: r["value"] for r in t["rows"]} for t in data["tables"]}
    assert sum(tables["products_category"].values()) == 1
    assert tables["products_commune"] == {"Xã Trùng Khánh": 1}
    assert sum(tables["scans_month"].values()) == 3
    response = client.get(reverse("reports:public_stats_data", args=["csv"]))
    text = response.content.decode("utf-8-sig")
    assert "creativecommons.org/licenses/by/4.0" in response["Link"]
    assert text.startswith("table,label,value")
    assert business.name not in text


def test_unknown_open_data_format_is_not_found(client):
    assert client.get(reverse("reports:public_stats_data", args=["xml"])).status_code == 404


def test_open_ocop_figures_count_each_public_product_once_at_its_valid_stars(
    client, chain, biz_owner, dept_officer
):
    product = chain["product"]
    result_for(product, stars=3, recognised_on=timezone.localdate() - timedelta(days=400))
    result_for(product, stars=4)
    expired = published(biz_owner, dept_officer, name="Miến dong")
    result_for(expired, stars=5, recognised_on=timezone.localdate() - timedelta(days=3 * 366))
    revoked = result_for(published(biz_owner, dept_officer, name="Chè"), stars=5)
    revoked.revoked_at = timezone.now()
    revoked.save()
    data = client.get(reverse("reports:public_stats_data", args=["json"])).json()
    ocop = {t["key"]: {r["label"]: r["value"] for r in t["rows"]} for t in data["tables"]}["ocop"]
    assert ocop == {"5 sao": 0, "4 sao": 1, "3 sao": 0}
