"""A write the Redis cache dropped during an outage (a version bump, a counter) must not leave
pages stale once Redis answers again, in whichever process reads them next."""

import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import caches

from txng.common import rediscache
from txng.common.cacheversion import CacheVersion
from txng.common.models import StaleCacheMark
from txng.common.rediscache import DegradingRedisCache

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]
TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


@pytest.fixture(scope="module")
def redis_server():
    """One throwaway Redis for the module: it must outlive every test's cache teardown."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield client
    server.terminate()
    server.wait()


@pytest.fixture
def redis_url(redis_server):
    redis_server.flushall()
    kwargs = redis_server.connection_pool.connection_kwargs
    return f"redis://127.0.0.1:{kwargs['port']}/0"


def _process(url):
    """A cache as a fresh gunicorn worker gets it."""
    return DegradingRedisCache(url, {"KEY_PREFIX": "txng", "OPTIONS": TIMEOUTS})


def _unreachable(monkeypatch, cache):
    def refuse(*_args, **_kwargs):
        raise redis.ConnectionError("Connection refused")

    monkeypatch.setattr(cache._cache, "get_client", refuse)


@pytest.fixture
def default_cache(settings, redis_url):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "txng.common.rediscache.DegradingRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "txng",
            "OPTIONS": TIMEOUTS,
        },
    }
    return caches["default"]


def test_a_version_bump_dropped_during_an_outage_is_not_lost_for_another_process(
    monkeypatch, default_cache, redis_url
):
    version = CacheVersion("t:version")
    before = version.get()
    other = _process(redis_url)
    assert other.get("t:version") == before  # the other process's frames are cached under it

    with monkeypatch.context() as outage:
        _unreachable(outage, default_cache)
        _unreachable(outage, other)
        version._new()  # an event was recorded: its bump is dropped
        assert other.get("t:version") is None  # a scan meanwhile: a miss
    assert StaleCacheMark.objects.exists()

    # Redis answers again; the process that rendered the old frames reads first.
    assert other.get("t:version") is None
    assert version.get() != before
    assert not StaleCacheMark.objects.exists()


def test_a_process_that_met_no_outage_looks_at_the_marks_within_the_check_interval(
    monkeypatch, redis_url
):
    other = _process(redis_url)
    other.set("frame", "old page")  # its first look at the marks: none
    StaleCacheMark.objects.create()  # another process dropped a write
    assert other.get("frame") == "old page"  # between two looks: no query per request
    now = time.monotonic
    monkeypatch.setattr(
        rediscache.time, "monotonic", lambda: now() + rediscache.CHECK_EVERY_SECONDS
    )
    assert other.get("frame") is None


def test_the_comment_counter_dropped_during_an_outage_does_not_keep_the_old_etag(
    monkeypatch, default_cache
):
    default_cache.set("feedback:comments-version", 4, None)
    with monkeypatch.context() as outage:
        _unreachable(outage, default_cache)
        with pytest.raises(ValueError):
            default_cache.incr("feedback:comments-version")
    assert default_cache.get("feedback:comments-version") is None


def test_the_process_whose_write_was_dropped_clears_even_without_its_mark(
    monkeypatch, default_cache
):
    default_cache.set("t:version", "old", None)
    with monkeypatch.context() as outage:
        _unreachable(outage, default_cache)
        default_cache.set("t:version", "new", None)
    StaleCacheMark.objects.all().delete()  # its transaction was rolled back, say
    assert default_cache.get("t:version") is None


def test_clearing_after_an_outage_keeps_the_rate_limits(monkeypatch, default_cache, redis_url):
    rate = redis.Redis.from_url(redis_url)
    rate.set(":1:rl:login:198.51.100.7:1", 3)  # as the "ratelimit" cache (no prefix) keeps it
    default_cache.set("frame", "page")
    with monkeypatch.context() as outage:
        _unreachable(outage, default_cache)
        default_cache.delete("frame")
    assert default_cache.get("frame") is None
    assert rate.get(":1:rl:login:198.51.100.7:1") == b"3"


def test_the_normal_case_costs_no_query(default_cache, django_assert_num_queries):
    default_cache.get("warm")  # the process's first look at the marks
    with django_assert_num_queries(0):
        for _ in range(20):
            default_cache.set("k", 1)
            default_cache.get("k")
