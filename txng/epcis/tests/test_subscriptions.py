"""Stream subscriptions: signed deliveries of new matching events, retried with backoff."""

import hashlib
import hmac
import json

import pytest

from txng.epcis import subscriptions
from txng.epcis.models import Subscription
from txng.epcis.tests.test_api import _document, _object_event

pytestmark = pytest.mark.django_db
TOKEN = "a-long-enough-secret-token"


@pytest.fixture
def owner_api(biz_owner, make_key, epcis):
    api = epcis(make_key(biz_owner))
    api.post(
        "queries",
        {"name": "nhan", "query": {"EQ_bizStep": ["receiving"]}},
        content_type="application/json",
    )
    return api


@pytest.fixture
def receiver(monkeypatch):
    calls, answers = [], []

    def post(url, body, token):
        calls.append((url, body, token, subscriptions.signature(token, body)))
        if answers and answers.pop(0) == "down":
            raise OSError("connection refused")
        return 200

    monkeypatch.setattr(subscriptions, "_post", post)
    return calls, answers


def _subscribe(api, **extra):
    body = {"dest": "https://client.example.com/cb", "signatureToken": TOKEN, "stream": True}
    return api.post(
        "queries/nhan/subscriptions", {**body, **extra}, content_type="application/json"
    )


def test_new_matching_events_are_delivered_signed_once(
    owner_api, receiver, django_capture_on_commit_callbacks
):
    calls, _answers = receiver
    assert _subscribe(owner_api).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        owner_api.post("capture", _document(_object_event(), _object_event(bizStep="receiving")))
    assert len(calls) == 1
    url, body, token, signed = calls[0]
    expected = hmac.new(TOKEN.encode(), body, hashlib.sha256).hexdigest()
    assert url == "https://client.example.com/cb" and signed == expected
    sent = json.loads(body)["epcisBody"]["queryResults"]
    assert sent["queryName"] == "nhan" and sent["subscriptionID"]
    assert [e["bizStep"] for e in sent["resultsBody"]["eventList"]] == ["receiving"]
    with django_capture_on_commit_callbacks(execute=True):
        owner_api.post("capture", _document(_object_event(when="2026-04-01T08:00:00+07:00")))
    assert len(calls) == 1  # nothing new matched: nothing sent


def test_a_failed_delivery_is_retried_with_backoff_and_then_stops(owner_api, receiver, monkeypatch):
    calls, answers = receiver
    _subscribe(owner_api)
    owner_api.post("capture", _document(_object_event(bizStep="receiving")))
    queued = []
    from txng.epcis import tasks

    class Later:
        def using(self, run_after):
            self.run_after = run_after
            return self

        def enqueue(self, subscription_id):
            queued.append(self.run_after)

    task = tasks.deliver_subscription
    monkeypatch.setattr(tasks, "deliver_subscription", Later())
    subscription = Subscription.objects.get()
    answers += ["down"] * subscriptions.MAX_FAILURES
    for _ in range(subscriptions.MAX_FAILURES):
        task.call(subscription.subscription_id)
    subscription.refresh_from_db()
    assert subscription.active is False and subscription.failures == subscriptions.MAX_FAILURES
    assert len(queued) == subscriptions.MAX_FAILURES - 1
    assert queued[1] - queued[0] > subscriptions.backoff(1) / 2


def test_a_subscription_needs_https_a_token_and_stream(owner_api):
    assert _subscribe(owner_api, dest="http://client.example.com/cb").status_code == 400
    assert _subscribe(owner_api, signatureToken="short").status_code == 400
    response = _subscribe(owner_api, stream=False)
    assert response.json()["type"] == "epcisException:SubscriptionControlsException"


def test_another_business_cannot_see_or_cancel_a_subscription(
    owner_api, other_biz, make_key, epcis
):
    sid = _subscribe(owner_api).json()["subscriptionID"]
    other = epcis(make_key(other_biz))
    assert other.get(f"queries/nhan/subscriptions/{sid}").status_code == 404
    assert other.delete(f"queries/nhan/subscriptions/{sid}").status_code == 404
    assert owner_api.delete(f"queries/nhan/subscriptions/{sid}").status_code == 204
    assert not Subscription.objects.exists()
