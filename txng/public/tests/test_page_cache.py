"""The home page and search results are kept in the shared cache for anonymous visitors: a
change to what they show is on the next request, and a kept page costs next to no query."""

from datetime import timedelta

import pytest
from django.utils import timezone

from txng.catalog.tests.helpers import published
from txng.public.models import Article, Banner, Section
from txng.tracing import actions as tracing

pytestmark = pytest.mark.django_db


def test_kept_home_page_costs_at_most_the_cache_read(
    client, biz_owner, dept_officer, django_assert_max_num_queries
):
    published(biz_owner, dept_officer, name="Hạt dẻ Trùng Khánh")
    assert "Hạt dẻ Trùng Khánh" in client.get("/").content.decode()
    # The test run's cache is the database cache: the page with its versions in one read, and
    # the ratings' version the product cards' badges give.
    with django_assert_max_num_queries(2):
        html = client.get("/").content.decode()
    assert "Hạt dẻ Trùng Khánh" in html


def test_renamed_product_shows_on_the_next_home_page(
    client, biz_owner, dept_officer, django_capture_on_commit_callbacks
):
    product = published(biz_owner, dept_officer, name="Hạt dẻ Trùng Khánh")
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        product.name = "Hạt dẻ rang Trùng Khánh"
        product.save()
    assert "Hạt dẻ rang Trùng Khánh" in client.get("/").content.decode()


def test_recall_shows_on_the_next_home_page(
    client, biz_owner, dept_officer, django_capture_on_commit_callbacks
):
    product = published(biz_owner, dept_officer, name="Hạt dẻ Trùng Khánh")
    lot = tracing.create_lot(actor=biz_owner, product=product, code="HD-1", quantity=10)
    assert 'data-testid="home-recalls"' in client.get("/").content.decode()
    assert "msg-success" in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        tracing.recall_lots([lot], actor=dept_officer, reason="Nhiễm nấm mốc")
    html = client.get("/").content.decode()
    assert "1 lô hàng đang bị thu hồi" in html


def test_article_due_later_shows_once_its_time_comes(client, dost_admin, monkeypatch):
    now = timezone.now()
    Article.objects.create(
        section=Section.objects.create(name="Tin tức", slug="tin-tuc"),
        author_org=dost_admin.organisation,
        title="Hội chợ hạt dẻ",
        slug="hoi-cho",
        body="…",
        published_at=now + timedelta(hours=1),
    )
    assert "Hội chợ hạt dẻ" not in client.get("/").content.decode()
    later = now + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Hội chợ hạt dẻ" in client.get("/").content.decode()


def test_banner_leaves_the_home_page_when_it_ends(client, monkeypatch):
    now = timezone.now()
    Banner.objects.create(
        title="Tuần lễ OCOP", image="public/banners/ocop.jpg", ends_at=now + timedelta(hours=1)
    )
    assert "public/banners/ocop.jpg" in client.get("/").content.decode()
    later = now + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "public/banners/ocop.jpg" not in client.get("/").content.decode()


def test_signed_in_visitor_gets_a_page_of_their_own(client, biz_owner, dept_officer):
    published(biz_owner, dept_officer, name="Hạt dẻ Trùng Khánh")
    client.get("/")  # the anonymous page, kept
    client.force_login(biz_owner)
    html = client.get("/").content.decode()
    assert "Đăng xuất" in html
    assert "Đăng nhập" not in html


def test_kept_search_page_costs_only_the_code_lookup_and_the_cache_read(
    client, biz_owner, dept_officer, django_assert_max_num_queries
):
    published(biz_owner, dept_officer, name="Hạt dẻ Trùng Khánh")
    assert "Hạt dẻ Trùng Khánh" in client.get("/search/", {"q": "hat de"}).content.decode()
    # Lots by code (read every time), the page and its version, the ratings' version.
    with django_assert_max_num_queries(3):
        html = client.get("/search/", {"q": "hat de"}).content.decode()
    assert "Hạt dẻ Trùng Khánh" in html


def test_new_product_shows_in_the_next_search(
    client, biz_owner, dept_officer, django_capture_on_commit_callbacks
):
    published(biz_owner, dept_officer, name="Hạt dẻ Trùng Khánh")
    client.get("/search/", {"q": "hat de"})
    with django_capture_on_commit_callbacks(execute=True):
        published(biz_owner, dept_officer, name="Hạt dẻ rang muối")
    assert "Hạt dẻ rang muối" in client.get("/search/", {"q": "hat de"}).content.decode()


def test_new_lot_is_found_by_its_code_on_a_kept_search_page(client, biz_owner, dept_officer):
    product = published(biz_owner, dept_officer, name="Hạt dẻ Trùng Khánh")
    assert 'data-testid="found-lots"' not in client.get("/search/", {"q": "HD-77"}).content.decode()
    # No version moves here (nothing commits in a test): the lots are read on every request.
    tracing.create_lot(actor=biz_owner, product=product, code="HD-77", quantity=10)
    html = client.get("/search/", {"q": "HD-77"}).content.decode()
    assert 'data-testid="found-lots"' in html
    assert "Không tìm thấy sản phẩm phù hợp" not in html


def test_search_with_unknown_parameters_is_not_kept(client, biz_owner, dept_officer):
    from django.core.cache import cache

    published(biz_owner, dept_officer, name="Hạt dẻ Trùng Khánh")
    cache.clear()
    client.get("/search/", {"q": "hat de", "x": "1"})
    client.get("/search/", {"q": "hat de", "y": "2"})
    assert not any(key for key in _frame_keys())


def _frame_keys():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM txng_cache WHERE cache_key LIKE %s", ["%:frame:%"])
        return [row[0] for row in cursor.fetchall()]
