"""The scan page's frame is kept until what it shows changes: its order, its product, its lot or
a lot upstream. Another order's approval or printing, or a diary entry on another lot, leaves it
kept (a kept frame is one scan statement and one cache read)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from txng.stamps.tests.factories import OrderFactory
from txng.tracing import actions as tracing_actions

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (Linux; Android 14) Mobile"


def scan(client, code, n):
    url = reverse("stamps:scan", args=[code])
    return client.get(url, HTTP_USER_AGENT=PHONE, REMOTE_ADDR=f"203.0.113.{n}")


def test_another_orders_change_keeps_the_scan_frame(
    client, stamps, product, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    scan(client, stamps[0].code, 1), scan(client, stamps[0].code, 2)  # "scanned before" frame
    with django_capture_on_commit_callbacks(execute=True):
        other = OrderFactory(product=product, quantity=20, state="submitted")
        other.state = "approved"
        other.save()
    with django_assert_max_num_queries(2):
        assert "quét 3 lần" in scan(client, stamps[0].code, 3).content.decode()


def test_diary_entry_on_another_lot_keeps_the_scan_frame(
    client,
    stamps,
    product,
    biz_owner,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    other = tracing_actions.create_lot(actor=biz_owner, product=product, code="HD-99", quantity=5)
    scan(client, stamps[0].code, 1), scan(client, stamps[0].code, 2)
    with django_capture_on_commit_callbacks(execute=True):
        tracing_actions.add_diary_entry(other, actor=biz_owner, stage_kind="care")
    with django_assert_max_num_queries(2):
        scan(client, stamps[0].code, 3)


def test_renamed_product_shows_on_the_next_scan(
    client, stamps, product, django_capture_on_commit_callbacks
):
    scan(client, stamps[0].code, 1)
    with django_capture_on_commit_callbacks(execute=True):
        product.name = "Hạt dẻ rang củi"
        product.save()
    assert "Hạt dẻ rang củi" in scan(client, stamps[0].code, 2).content.decode()


def test_a_change_to_the_stamps_own_order_renders_its_frame_again(
    client, stamps, order, django_capture_on_commit_callbacks
):
    scan(client, stamps[0].code, 1), scan(client, stamps[0].code, 2)
    with django_capture_on_commit_callbacks(execute=True):
        order.save()
    with CaptureQueriesContext(connection) as queries:
        scan(client, stamps[0].code, 3)
    assert len(queries) > 2  # the order read again and the frame rendered again
