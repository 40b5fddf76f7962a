import pytest
from django.urls import reverse

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
