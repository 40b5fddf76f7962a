import pytest
from django.db import connection
from django.urls import reverse

from txng.catalog import actions
from txng.catalog.models import Product
from txng.catalog.tests.helpers import draft, published
from txng.catalog.text import normalise

pytestmark = pytest.mark.django_db


def test_normalise_strips_vietnamese_marks():
    assert normalise("Cà phê ĐÀ LẠT, Hạt dẻ!") == "ca phe da lat hat de"


@pytest.fixture
def shelf(biz_owner, dept_officer):
    coffee = published(biz_owner, dept_officer, name="Cà phê Phja Đén", ocop_stars=4)
    noodles = published(biz_owner, dept_officer, name="Miến dong Nguyên Bình", ocop_stars=3)
    draft(biz_owner, name="Cà phê chưa duyệt")
    return coffee, noodles


@pytest.mark.parametrize("query", ["ca phe", "Cà phê", "CA PHE phja", "phja den"])
def test_search_with_and_without_accents(client, shelf, query):
    html = client.get(reverse("public:search"), {"q": query}).content.decode()
    assert "Cà phê Phja Đén" in html
    assert "Miến dong" not in html
    assert "chưa duyệt" not in html


def test_search_filters_by_ocop(client, shelf):
    html = client.get(reverse("public:search"), {"ocop": 4}).content.decode()
    assert "Cà phê Phja Đén" in html and "Miến dong" not in html


def test_search_filters_by_managing_agency(client, shelf, department, other_commune):
    html = client.get(reverse("public:search"), {"agency": department.pk}).content.decode()
    assert "Cà phê Phja Đén" in html
    html = client.get(reverse("public:search"), {"agency": other_commune.pk}).content.decode()
    assert "Cà phê Phja Đén" not in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram needs PostgreSQL")
def test_typo_finds_product_on_postgresql(shelf):
    assert list(Product.objects.published().search("mien dongg nguyen binh"))[0] == shelf[1]


def test_renamed_product_keeps_its_url(client, biz_owner, dept_officer):
    from txng.catalog.tests.helpers import product_data

    product = published(biz_owner, dept_officer)
    old_url = product.get_absolute_url()
    rev = actions.save_product_draft(product, actor=biz_owner, data=product_data(name="Tên mới"))
    actions.submit_revision(rev, actor=biz_owner)
    actions.approve_revision(rev, actor=dept_officer)
    response = client.get(old_url)
    assert response.status_code == 301 and "/ten-moi/" in response["Location"]


def test_product_page_has_json_ld_og_and_missing_items(client, shelf):
    html = client.get(shelf[0].get_absolute_url()).content.decode()
    assert '"@type": "Product"' in html
    assert 'property="og:title" content="Cà phê Phja Đén"' in html
    assert "Thông tin cơ sở chưa cung cấp:" in html
    assert "Hình ảnh sản phẩm" in html  # no image uploaded


def test_api_lists_only_published_products(client, shelf):
    data = client.get("/api/v1/products").json()
    assert data["count"] == 2
    assert {p["name"] for p in data["items"]} == {"Cà phê Phja Đén", "Miến dong Nguyên Bình"}
    hidden = Product.objects.get(name="Cà phê chưa duyệt")
    assert client.get(f"/api/v1/products/{hidden.pk}").status_code == 404


def test_api_search_and_detail(client, shelf):
    data = client.get("/api/v1/products", {"q": "mien"}).json()
    assert [p["name"] for p in data["items"]] == ["Miến dong Nguyên Bình"]
    detail = client.get(f"/api/v1/products/{shelf[0].pk}").json()
    assert detail["business"] == "HTX Hạt dẻ Trùng Khánh"
    assert "Hình ảnh sản phẩm" in detail["missing_items"]


def test_api_etag_and_last_modified(client, shelf):
    first = client.get("/api/v1/products")
    assert first["ETag"] and first["Last-Modified"]
    again = client.get("/api/v1/products", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    since = client.get("/api/v1/products", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    shelf[0].brand = "Đổi"
    shelf[0].save()
    assert client.get("/api/v1/products", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_api_businesses_and_categories(client, shelf, business):
    from txng.catalog.tests.helpers import category

    category()
    assert client.get("/api/v1/businesses").json()["count"] == 1
    assert client.get(f"/api/v1/businesses/{business.pk}").json()["name"] == business.name
    assert client.get("/api/v1/categories").json()[0]["slug"] == "hat-qua"
    assert client.get("/api/v1/docs").status_code == 200


def test_sitemap_lists_published_products_only(client, shelf):
    xml = client.get("/sitemap.xml").content.decode()
    assert shelf[0].get_absolute_url() in xml
    assert "chua-duyet" not in xml
