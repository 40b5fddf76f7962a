import pytest
from django.core.cache import cache
from django.db import transaction

from txng.common.cacheversion import CacheVersion

pytestmark = pytest.mark.django_db  # the test run's cache is the database cache


def test_a_bump_is_seen_at_once(django_capture_on_commit_callbacks):
    version = CacheVersion("test:version")
    first = version.get()
    assert version.get() == first
    with django_capture_on_commit_callbacks(execute=True):
        version.bump()
    assert version.get() != first


def test_a_rolled_back_bump_keeps_the_version():
    version = CacheVersion("test:version")
    first = version.get()
    with transaction.atomic():
        version.bump()
        transaction.set_rollback(True)
    assert version.get() == first


def test_a_bump_in_another_process_is_seen_on_the_next_read():
    version = CacheVersion("test:version")
    version.get()
    cache.set("test:version", "bumped-elsewhere", timeout=None)
    assert version.get() == "bumped-elsewhere"


def test_processes_agree_on_a_new_token():
    one, other = CacheVersion("test:version"), CacheVersion("test:version")
    assert one.get() == other.get()
