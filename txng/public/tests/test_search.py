"""Search: typos on PostgreSQL, relevance order, businesses, lots by code, stamps by code."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from txng.catalog.models import BusinessProfile, Product
from txng.stamps.tests.factories import OrderFactory, make_stamps
from txng.tracing import actions as tracing

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="typo tolerance is PostgreSQL's pg_trgm"
)


def _product(business, name, **fields):
    return Product.objects.create(business=business, name=name, state="published", **fields)


@pytest.fixture
def shelf(business, other_business):
    return {
        "mien": _product(business, "Miến dong Nguyên Bình"),
        "hatde": _product(business, "Hạt dẻ Trùng Khánh"),
        "banh": _product(other_business, "Bánh đa miến và củ dong"),
        "che": _product(other_business, "Chè shan tuyết Phja Đén"),
    }


def _names(client, query):
    page = client.get(reverse("public:search"), {"q": query}).context["page"]
    return [p.name for p in page]


@postgres_only
@pytest.mark.parametrize(
    ("query", "expected"),
    [("mien dongg", "Miến dong Nguyên Bình"), ("hat de trung kan", "Hạt dẻ Trùng Khánh")],
)
def test_typo_finds_the_product_on_postgresql(client, shelf, query, expected):
    names = _names(client, query)
    assert names and names[0] == expected
    assert "Chè shan tuyết Phja Đén" not in names


@postgres_only
def test_results_rank_by_relevance_not_alphabetically(client, shelf):
    # "Bánh…" sorts first by name, but "Miến dong" is what was typed.
    assert _names(client, "mien dong")[:2] == ["Miến dong Nguyên Bình", "Bánh đa miến và củ dong"]


def test_exact_words_still_find_without_accents(client, shelf):
    assert _names(client, "che shan tuyet") == ["Chè shan tuyết Phja Đén"]


def test_search_returns_businesses(client, business, shelf):
    BusinessProfile.objects.create(business=business)
    response = client.get(reverse("public:search"), {"q": "hat de trung khanh"})
    assert business in response.context["businesses"]
    assert business.get_absolute_url() in response.content.decode()


def test_search_leaves_out_revoked_businesses(client, business, shelf):
    BusinessProfile.objects.create(business=business)
    business.status = "revoked"
    business.save()
    response = client.get(reverse("public:search"), {"q": "hat de trung khanh"})
    assert business not in response.context["businesses"]


def test_search_finds_a_lot_by_lot_code_and_trace_code(client, biz_owner, shelf):
    lot = tracing.create_lot(actor=biz_owner, product=shelf["hatde"], code="HD-2026-77", quantity=5)
    for query in ("hd-2026-77", lot.trace_code):
        response = client.get(reverse("public:search"), {"q": query})
        assert response.context["lots"] == [lot], query
        assert lot.get_absolute_url() in response.content.decode()


def test_search_does_not_find_a_lot_of_an_unpublished_product(client, biz_owner, business):
    draft = Product.objects.create(business=business, name="Miến nháp")
    lot = tracing.create_lot(actor=biz_owner, product=draft, code="NHAP-1", quantity=5)
    for query in ("NHAP-1", lot.trace_code):
        assert client.get(reverse("public:search"), {"q": query}).context["lots"] == []


def test_search_finds_a_stamp_by_its_code(client, shelf):
    order = OrderFactory(product=shelf["hatde"], quantity=1)
    stamp = make_stamps(order)[0]
    typed = f"{stamp.code[:4].lower()}-{stamp.code[4:]}"  # as a person types it off the label
    response = client.get(reverse("public:search"), {"q": typed})
    assert response.context["stamp_code"] == stamp.code
    assert reverse("stamps:scan", args=[stamp.code]) in response.content.decode()


def test_public_recall_list_shows_current_recalls_of_published_products(
    client, biz_owner, business, dept_officer, other_biz, shelf
):
    from txng.tracing.tests.conftest import ship_and_receive

    lot = tracing.create_lot(actor=biz_owner, product=shelf["hatde"], code="HD-R1", quantity=9)
    ship_and_receive(lot, biz_owner, other_biz, 4)
    draft = Product.objects.create(business=business, name="Miến nháp thu hồi")
    hidden = tracing.create_lot(actor=biz_owner, product=draft, code="NHAP-R", quantity=5)
    tracing.recall_lots([lot, hidden], actor=dept_officer, reason="Nấm mốc vượt ngưỡng")
    home = client.get("/").content.decode()
    assert reverse("public:recalls") in home and "1 lô hàng đang bị thu hồi" in home
    html = client.get(reverse("public:recalls")).content.decode()
    assert "Hạt dẻ Trùng Khánh" in html and "HD-R1" in html and "Nấm mốc vượt ngưỡng" in html
    assert "Không sử dụng sản phẩm" in html
    assert "Miến nháp" not in html and "NHAP-R" not in html
    assert other_biz.organisation.name not in html  # holders are not public


def test_lifted_recall_leaves_the_public_list(client, biz_owner, dept_officer, shelf):
    lot = tracing.create_lot(actor=biz_owner, product=shelf["hatde"], code="HD-R2", quantity=9)
    recall = tracing.recall_lots([lot], actor=dept_officer, reason="Nghi nhiễm")
    tracing.lift_recall(recall, actor=dept_officer, reason="Kết quả kiểm nghiệm đạt")
    assert "HD-R2" not in client.get(reverse("public:recalls")).content.decode()


@postgres_only
def test_saved_products_words_correct_a_misspelt_word(shelf):
    from txng.catalog.search import nearest_words

    assert "dong" in nearest_words("dongg")
    assert nearest_words("trng")[0] == "trung"
    assert nearest_words("kan") == []  # nothing close enough: the word is left out


def test_search_stops_counting_past_the_cap_and_says_more_than(
    client, business, shelf, monkeypatch
):
    from txng.catalog.search import CappedPaginator

    for i in range(4):
        _product(business, f"Miến dong loại {i}")
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    response = client.get(reverse("public:search"), {"q": "mien"})
    html = response.content.decode()
    assert response.context["page"].paginator.count == 4  # cap + 1: enough to say "more than"
    assert "Hơn 3 sản phẩm" in html
    first = [p.name for p in response.context["page"]]
    assert first[0].startswith("Miến dong")  # still ranked, only the count stops early
    monkeypatch.setattr(CappedPaginator, "cap", 100)
    cache.clear()  # the first search's page is kept, and the cap is code, not data
    html = client.get(reverse("public:search"), {"q": "mien"}).content.decode()
    assert "6 sản phẩm" in html and "Hơn 100" not in html


@postgres_only
def test_typo_ranks_only_a_capped_sample_of_many_matches(business, shelf, monkeypatch):
    from txng.catalog import search

    for i in range(3):
        _product(business, f"Miến dong loại {i}")
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    found = Product.objects.published().search("mien dongg")
    assert found.count() == 3  # cap + 1 of the five matches, so "more than" stays true
    assert all("dong" in p.search_text for p in found)
    assert Product.objects.published().search("mien dong").count() == 5  # no typo: all
