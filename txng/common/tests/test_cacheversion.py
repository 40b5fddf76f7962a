import pytest
from django.core.cache import cache
from django.db import transaction

from txng.common import localmemo
from txng.common.cacheversion import LOCAL_SECONDS, CacheVersion


@pytest.fixture
def clock(monkeypatch):
    """localmemo's clock, moved by hand."""
    now = [1000.0]
    monkeypatch.setattr(localmemo.time, "monotonic", lambda: now[0])
    return now


@pytest.mark.django_db
def test_a_bump_in_this_process_is_seen_at_once(django_capture_on_commit_callbacks, clock):
    version = CacheVersion("test:version")
    first = version.get()
    assert version.get() == first
    with django_capture_on_commit_callbacks(execute=True):
        version.bump()
    assert version.get() != first


@pytest.mark.django_db
def test_a_rolled_back_bump_keeps_the_version(clock):
    version = CacheVersion("test:version")
    first = version.get()
    with transaction.atomic():
        version.bump()
        transaction.set_rollback(True)
    assert version.get() == first


def test_a_bump_in_another_process_is_seen_within_local_seconds(clock):
    version = CacheVersion("test:version")
    first = version.get()
    cache.set("test:version", "bumped-elsewhere", timeout=None)
    assert version.get() == first  # this process still uses the token it read
    clock[0] += LOCAL_SECONDS + 0.01
    assert version.get() == "bumped-elsewhere"


def test_processes_agree_on_a_new_token():
    one, other = CacheVersion("test:version"), CacheVersion("test:version")
    assert one.get() == other.get()


def test_local_memo_forgets_after_its_time_and_stays_bounded(clock):
    memo = localmemo.LocalMemo(seconds=5, max_items=2)
    memo.set("a", 1)
    clock[0] += 4
    assert memo.get("a") == 1
    clock[0] += 2
    assert memo.get("a") is None and memo.get("a", "gone") == "gone"
    memo.set("b", 2)
    memo.set("c", 3)
    memo.set("d", 4)  # over max_items: the old entries go
    assert memo.get("d") == 4 and memo.get("b") is None
    localmemo.clear_all()
    assert memo.get("d") is None
