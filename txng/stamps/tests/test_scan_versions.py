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


def test_a_new_approved_document_shows_on_the_next_scan(
    client, stamps, product, django_capture_on_commit_callbacks
):
    from txng.catalog.models import Document

    scan(client, stamps[0].code, 1), scan(client, stamps[0].code, 2)  # "scanned before" frame
    with django_capture_on_commit_callbacks(execute=True):
        Document.objects.create(
            business=product.business,
            product=product,
            kind="conformity",
            number="HQ-2026-777",
            file="documents/hq.pdf",
            approved=True,
        )
    assert "HQ-2026-777" in scan(client, stamps[0].code, 3).content.decode()


def test_a_document_expired_since_yesterday_shows_so_on_the_next_scan(
    client, stamps, product, monkeypatch
):
    import datetime

    from django.utils import timezone

    from txng.catalog.models import Document

    today = timezone.localdate()
    Document.objects.create(
        business=product.business,
        product=product,
        kind="conformity",
        number="HQ-2026-778",
        expires_on=today,
        file="documents/hq.pdf",
        approved=True,
    )
    scan(client, stamps[0].code, 1)
    assert "Đã hết hiệu lực" not in scan(client, stamps[0].code, 2).content.decode()
    tomorrow = today + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert "Đã hết hiệu lực" in scan(client, stamps[0].code, 3).content.decode()


def test_images_moved_to_the_public_path_after_approval_show_on_the_next_scan(
    client, stamps, product, django_capture_on_commit_callbacks
):
    # Approval bumps the order's version before its images move (both on commit): a scan in
    # between keeps a frame with the private path, which the move must replace.
    from txng.catalog import media
    from txng.catalog.models import ProductImage

    ProductImage.objects.create(product=product, image="private/products/hd.jpg", approved=True)
    scan(client, stamps[0].code, 1)
    assert "private/products/hd.jpg" in scan(client, stamps[0].code, 2).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        media.publish_images(product.pk)
    page = scan(client, stamps[0].code, 3).content.decode()
    assert "public/products/hd.jpg" in page
    assert "private/" not in page
