"""Apps above a page's own app add to it through named slots (txng/common/slots.py)."""

import pytest
from django.utils.html import format_html

from txng.catalog.tests.helpers import published
from txng.common import slots


@pytest.fixture
def slot_registry(monkeypatch):
    """A registry of this test's own, so the apps' real providers neither help nor hide."""
    monkeypatch.setattr(slots, "_SLOTS", {})
    return slots


@pytest.mark.django_db
def test_provider_adds_html_and_json_ld_to_the_public_product_page(
    client, biz_owner, commune_officer, slot_registry
):
    product = published(biz_owner, commune_officer)
    slot_registry.add(
        "product_page.main",
        lambda request, product, **kw: format_html(
            "<p data-testid='extra'>{} ok</p>", product.name
        ),
    )
    slot_registry.add("product_page.ld", lambda request, product: {"aggregateRating": {"x": 1}})
    page = client.get(product.get_absolute_url())
    body = page.content.decode()
    assert f"<p data-testid='extra'>{product.name} ok</p>" in body
    assert '"aggregateRating": {"x": 1}' in body


@pytest.mark.django_db
def test_provider_with_nothing_to_add_adds_nothing(
    client, biz_owner, commune_officer, slot_registry
):
    product = published(biz_owner, commune_officer)
    plain = client.get(product.get_absolute_url()).content
    slot_registry.add("product_page.main", lambda request, **kw: None)
    assert client.get(product.get_absolute_url()).content == plain


def test_text_not_marked_safe_is_refused_rather_than_printed(slot_registry):
    slot_registry.add("x", lambda request: "<script>alert(1)</script>")
    with pytest.raises(TypeError):
        slots.html("x", None)


def test_providers_render_in_position_order_and_register_once(slot_registry):
    def late(request):
        return format_html("{}", "b")

    def early(request):
        return format_html("{}", "a")

    slot_registry.add("x", late, position=20)
    slot_registry.add("x", early, position=10)
    slot_registry.add("x", late, position=20)
    assert slots.html("x", None) == "ab"


@pytest.mark.django_db
def test_a_providers_version_changes_the_product_pages_etag(
    client, biz_owner, commune_officer, slot_registry
):
    product = published(biz_owner, commune_officer)
    state = {"v": 1}
    slot_registry.add(
        "product_page.summary", lambda request, **kw: None, version=lambda: state["v"]
    )
    first = client.get(product.get_absolute_url())
    assert (
        client.get(product.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    )
    state["v"] = 2
    again = client.get(product.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200


def test_a_version_shared_by_several_slots_is_read_once(slot_registry):
    reads = []

    def version():
        reads.append(1)
        return 7

    slot_registry.add("a", lambda request, **kw: None, version=version)
    slot_registry.add("b", lambda request, **kw: None, version=version)
    assert slots.version("a", "b") == "7"
    assert len(reads) == 1


@pytest.mark.django_db
def test_a_card_list_prefetches_once_and_each_card_reads_what_was_prefetched(slot_registry):
    from django.template import Context, Template
    from django.test import RequestFactory

    fetched = []

    def prefetch(request, products=(), **kw):
        fetched.append([p["pk"] for p in products])
        request._seen = {p["pk"]: f"#{p['pk']}" for p in products}

    slot_registry.add(
        "cards",
        lambda request, product: format_html("{}", request._seen[product["pk"]]),
        prefetch=prefetch,
    )
    template = Template(
        '{% slot_prefetch "cards" products=items %}'
        '{% for p in items %}{% slot "cards" product=p %}{% endfor %}'
    )
    items = [{"pk": 1}, {"pk": 2}, {"pk": 3}]
    html = template.render(Context({"request": RequestFactory().get("/"), "items": items}))
    assert html == "#1#2#3"
    assert fetched == [[1, 2, 3]]


@pytest.mark.django_db
def test_the_product_page_reads_its_date_once_for_etag_and_last_modified(
    client, biz_owner, commune_officer
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    product = published(biz_owner, commune_officer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(product.get_absolute_url())
    assert response.status_code == 200 and response.has_header("ETag")
    dated = [q for q in queries.captured_queries if 'MAX("tracing_lot"."updated_at")' in q["sql"]]
    assert len(dated) == 1
