"""Forms kept on a phone offline and sent later: stored once per idempotency key, with the
entry's own time, refused with a reason when the lot moved on meanwhile."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from txng.pwa.models import OfflineSend
from txng.tracing import actions as tracing_actions
from txng.tracing.models import DiaryEntry, Lot

pytestmark = pytest.mark.django_db


@pytest.fixture
def lot(product, biz_owner):
    """A lot that started a day ago. The entries below were made hours before they are sent; in
    the first hours after local midnight that is the day before, and a lot made just now would
    (rightly) refuse an entry from before it existed."""
    return tracing_actions.create_lot(
        actor=biz_owner,
        product=product,
        code="HD-2026-01",
        quantity=100,
        time=timezone.now() - timedelta(days=1),
    )


def _diary(client, lot, *, key="entry-0001-abcd", made_at=None, time=None):
    made_at = made_at or timezone.now() - timedelta(hours=3)
    time = time or timezone.localtime(made_at)
    return client.post(
        reverse("tracing:diary_add", args=[lot.pk]),
        {
            "diary-stage_kind": "harvest",
            "diary-time": time.strftime("%Y-%m-%dT%H:%M"),
            "diary-notes": "Thu hái trên nương",
        },
        headers={"Idempotency-Key": key, "X-Made-At": made_at.isoformat()},
    )


def test_diary_entry_sent_twice_is_stored_once_and_answers_the_same(login, biz_owner, lot):
    client = login(biz_owner)
    first = _diary(client, lot)
    second = _diary(client, lot)
    assert first.status_code == 200 and first.json()["ok"] is True
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert DiaryEntry.objects.filter(lot=lot, notes="Thu hái trên nương").count() == 1
    assert OfflineSend.objects.filter(user=biz_owner).count() == 1


def test_two_keys_are_two_entries(login, biz_owner, lot):
    client = login(biz_owner)
    _diary(client, lot, key="entry-0001-abcd", time=timezone.localtime() - timedelta(hours=5))
    _diary(client, lot, key="entry-0002-abcd", time=timezone.localtime() - timedelta(hours=4))
    assert DiaryEntry.objects.filter(lot=lot, notes="Thu hái trên nương").count() == 2


def test_entry_keeps_the_time_it_was_made_not_sent(login, biz_owner, lot):
    made = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=6)
    response = _diary(login(biz_owner), lot, made_at=made, time=timezone.localtime(made))
    assert response.json()["ok"] is True, response.json()
    entry = DiaryEntry.objects.get(lot=lot, notes="Thu hái trên nương")
    assert entry.time == made


def test_entry_for_a_lot_recalled_meanwhile_is_refused_with_the_reason(login, biz_owner, lot):
    tracing_actions.recall_lots([lot], actor=biz_owner, reason="Nhiễm nấm mốc")
    client = login(biz_owner)
    response = _diary(client, lot)
    assert response.status_code == 422
    message = " ".join(response.json()["errors"]["__all__"])
    assert "HD-2026-01" in message and "thu hồi" in message
    assert not DiaryEntry.objects.filter(lot=lot, notes="Thu hái trên nương").exists()
    # The refusal is the answer to that key: sent again, it is refused the same way.
    assert _diary(client, lot).json() == response.json()


def test_entry_made_longer_ago_than_the_setting_is_refused(login, biz_owner, lot, settings):
    settings.TXNG_OFFLINE_MAX_AGE_DAYS = 7
    response = _diary(login(biz_owner), lot, made_at=timezone.now() - timedelta(days=8))
    assert response.status_code == 422
    assert "7 ngày" in response.json()["errors"]["__all__"][0]
    assert not DiaryEntry.objects.filter(lot=lot, notes="Thu hái trên nương").exists()


def test_entry_made_in_the_future_is_refused(login, biz_owner, lot):
    response = _diary(login(biz_owner), lot, made_at=timezone.now() + timedelta(hours=2))
    assert response.status_code == 422
    assert "tương lai" in response.json()["errors"]["__all__"][0]


def test_invalid_form_answers_field_errors_with_their_labels(login, biz_owner, lot):
    client = login(biz_owner)
    response = client.post(
        reverse("tracing:diary_add", args=[lot.pk]),
        {"diary-stage_kind": "harvest", "diary-time": "không phải ngày"},
        headers={"Idempotency-Key": "entry-0003-abcd", "X-Made-At": timezone.now().isoformat()},
    )
    assert response.status_code == 422
    body = response.json()
    assert "diary-time" not in body["errors"] and "time" in body["errors"]
    assert body["labels"]["time"] == "Thời gian"


def test_anonymous_send_is_kept_for_after_login(client, lot):
    response = _diary(client, lot)
    assert response.status_code == 401 and response.json()["retry"] is True
    assert not OfflineSend.objects.exists()


def test_same_key_of_another_user_is_their_own(login, biz_owner, other_biz, lot):
    _diary(login(biz_owner), lot)
    response = _diary(login(other_biz), lot)
    # Not the first user's answer replayed: the other business may not write to this lot.
    assert "Idempotent-Replayed" not in response
    assert DiaryEntry.objects.filter(lot=lot, notes="Thu hái trên nương").count() == 1


def test_bad_key_is_refused(login, biz_owner, lot):
    assert _diary(login(biz_owner), lot, key="x").status_code == 400


def test_receipt_confirmed_offline_is_stored_once_at_the_time_it_was_made(
    login, biz_owner, other_biz, lot
):
    shipment = tracing_actions.ship(
        lot, actor=biz_owner, quantity=10, receiver=other_biz.organisation
    )
    client = login(other_biz)
    made = timezone.now().replace(microsecond=0) - timedelta(minutes=40)
    headers = {"Idempotency-Key": "receipt-0001-ab", "X-Made-At": made.isoformat()}
    url = reverse("tracing:confirm", args=[shipment.pk])
    first = client.post(url, {"received_quantity": "10"}, headers=headers)
    second = client.post(url, {"received_quantity": "10"}, headers=headers)
    assert first.json()["ok"] is True and second.json() == first.json()
    shipment.refresh_from_db()
    assert shipment.state == "received"
    assert Lot.objects.filter(business=other_biz.organisation).count() == 1
    assert shipment.received_lot.events.filter(event_time=made).exists()


def test_answers_older_than_the_limit_are_forgotten(login, biz_owner, lot, settings):
    settings.TXNG_OFFLINE_MAX_AGE_DAYS = 7
    old = OfflineSend.objects.create(
        user=biz_owner, key="old-key-0001", path="/", made_at=timezone.now() - timedelta(days=30)
    )
    _diary(login(biz_owner), lot)
    assert not OfflineSend.objects.filter(pk=old.pk).exists()
