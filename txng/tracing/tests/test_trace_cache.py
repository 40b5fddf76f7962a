"""A lot's public trace page and trace API are kept in the shared cache under the lot's own
version: a change to the lot or to a lot upstream shows on the next request, a change to an
unrelated lot leaves them kept. The lot page lists the latest of a long history."""

import pytest
from django.urls import reverse

from txng.tracing import actions

from .conftest import ship_and_receive

pytestmark = pytest.mark.django_db


def _page(client, lot):
    response = client.get(lot.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _api(client, lot):
    response = client.get(f"/api/v1/trace/{lot.trace_code}", {"depth": 2})
    assert response.status_code == 200
    return response.json()


def test_new_diary_entry_shows_on_the_next_trace_page_and_api(
    client, lot, biz_owner, django_capture_on_commit_callbacks
):
    _page(client, lot), _api(client, lot)
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_diary_entry(lot, actor=biz_owner, stage_kind="care", stage_name="Tỉa cành")
    assert "Tỉa cành" in _page(client, lot)
    assert "Tỉa cành" in [step["title"] for step in _api(client, lot)["timeline"]]


def test_stage_upstream_shows_on_a_received_lot_kept_page(
    client, lot, biz_owner, other_biz, django_capture_on_commit_callbacks
):
    received = ship_and_receive(lot, biz_owner, other_biz, 10)
    _page(client, received)
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_diary_entry(lot, actor=biz_owner, stage_kind="care", stage_name="Sấy khô")
    assert "Sấy khô" in _page(client, received)


def test_recall_shows_on_the_next_trace_page_and_api(
    client, lot, dept_officer, django_capture_on_commit_callbacks
):
    _page(client, lot), _api(client, lot)
    with django_capture_on_commit_callbacks(execute=True):
        actions.recall_lots([lot], actor=dept_officer, reason="Nấm mốc vượt ngưỡng")
    assert "Nấm mốc vượt ngưỡng" in _page(client, lot)
    assert _api(client, lot)["recall"]["reason"] == "Nấm mốc vượt ngưỡng"


def test_renamed_product_shows_on_the_next_trace_page(
    client, lot, django_capture_on_commit_callbacks
):
    _page(client, lot)
    with django_capture_on_commit_callbacks(execute=True):
        lot.product.name = "Hạt dẻ rang"
        lot.product.save()
    assert "Hạt dẻ rang" in _page(client, lot)


def test_diary_entry_on_another_lot_leaves_the_trace_page_kept(
    client,
    lot,
    other_product,
    other_biz,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    owner = other_biz
    other = actions.create_lot(actor=owner, product=other_product, code="BH-1", quantity=5)
    _page(client, lot), _api(client, lot)
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_diary_entry(other, actor=owner, stage_kind="care", stage_name="Đóng gói")
    # The lot found by its code, its recall (read live), the cache read (the test run's cache
    # is the database's).
    with django_assert_max_num_queries(3):
        _page(client, lot)
    with django_assert_max_num_queries(3):
        _api(client, lot)


def test_lifted_recall_leaves_the_kept_page_even_before_any_version_moves(
    client, lot, dept_officer
):
    # No on-commit callbacks run here: only what each request reads live can tell.
    recall = actions.recall_lots([lot], actor=dept_officer, reason="Nấm mốc vượt ngưỡng")
    assert "đang bị thu hồi" in _page(client, lot)
    assert _api(client, lot)["recall"]["reason"] == "Nấm mốc vượt ngưỡng"
    actions.lift_recall(recall, actor=dept_officer, reason="Kiểm nghiệm lại: đạt")
    assert "đang bị thu hồi" not in _page(client, lot)
    assert _api(client, lot)["recall"] is None


def test_signed_in_business_gets_its_full_trace_not_the_kept_one(client, lot, biz_owner):
    assert "back" not in _api(client, lot)
    client.force_login(biz_owner)
    data = _api(client, lot)
    assert data["lot"]["id"] == lot.pk
    assert "back" in data


def test_lot_page_lists_the_latest_events_and_links_to_all(client, lot, biz_owner, monkeypatch):
    from txng.tracing import views

    monkeypatch.setattr(views, "HISTORY_SHOWN", 3)
    for n in range(4):
        actions.add_diary_entry(lot, actor=biz_owner, stage_kind="care", stage_name=f"Bước {n}")
    client.force_login(biz_owner)
    html = client.get(reverse("tracing:lot", args=[lot.pk])).content.decode()
    assert "Bước 3" in html and "Bước 1" in html
    assert "Bước 0" not in html
    assert 'data-testid="history-more"' in html
    html = client.get(reverse("tracing:lot", args=[lot.pk]), {"lich-su": "tat-ca"}).content.decode()
    assert "Bước 0" in html
    assert 'data-testid="history-more"' not in html


def test_lot_page_queries_do_not_grow_with_its_diary(
    client, lot, biz_owner, django_assert_max_num_queries
):
    client.force_login(biz_owner)
    url = reverse("tracing:lot", args=[lot.pk])
    actions.add_diary_entry(lot, actor=biz_owner, stage_kind="care", stage_name="Bước đầu")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for n in range(5):
        actions.add_diary_entry(lot, actor=biz_owner, stage_kind="care", stage_name=f"Bước {n}")
    with django_assert_max_num_queries(len(first)):
        html = client.get(url).content.decode()
    assert "Bước 4" in html


def test_error_declared_through_capture_without_lots_leaves_the_kept_trace_page(
    client, lot, biz_owner, django_capture_on_commit_callbacks
):
    from txng.tracing import events
    from txng.tracing.models import Event

    with django_capture_on_commit_callbacks(execute=True):
        actions.add_diary_entry(lot, actor=biz_owner, stage_kind="care", stage_name="Tỉa cành")
    assert "Tỉa cành" in _page(client, lot)
    declared = Event.objects.get(lots=lot, title__contains="Tỉa cành")
    # As EPCIS capture stores an error declaration: no lots of its own, only the target.
    document = {**declared.document, "errorDeclaration": {"declarationTime": "2026-01-01"}}
    with django_capture_on_commit_callbacks(execute=True):
        events.capture(
            document,
            business=lot.business,
            title="Khai báo sai",
            lots=[],
            declares_error_on=declared,
            event_id="declaration-1",
        )
    assert "Tỉa cành" not in _page(client, lot)


def test_holder_two_deliveries_downstream_shows_on_the_producer_lot_page(
    client, lot, biz_owner, other_biz, third_owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        held = ship_and_receive(lot, biz_owner, other_biz, 10)
    assert held.business.name in _page(client, lot)
    with django_capture_on_commit_callbacks(execute=True):
        shop = ship_and_receive(held, other_biz, third_owner, 4)
    assert shop.trace_code == lot.trace_code  # the same printed code, two hops on
    assert shop.business.name in _page(client, lot)


def test_a_database_error_after_commit_neither_fails_the_write_nor_loses_the_bump(
    lot, biz_owner, django_capture_on_commit_callbacks
):
    from django.db import connection

    from txng.tracing.cache import lot_version

    before = lot_version(lot.pk).get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.add_diary_entry(lot, actor=biz_owner, stage_kind="care")

    def tracing_down(execute, sql, params, many, context):
        if "tracing_" in sql:  # the cache table (the test run's cache) still answers
            raise RuntimeError("PostgreSQL restarting")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(tracing_down):
        for callback in callbacks:
            callback()
    assert lot_version(lot.pk).get() != before
