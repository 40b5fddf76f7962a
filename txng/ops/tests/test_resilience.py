"""Faults the load bench injects, met one by one: PostgreSQL restarting (a new connection waits,
a read is run again, a write gets 503 and keeps nothing) and Redis gone (the cache misses, rate
limits count in the database)."""

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import path
from psycopg import OperationalError as PsycopgOperationalError

from txng.common import ratelimit
from txng.common.cacheversion import CacheVersion
from txng.common.rediscache import DegradingRedisCache
from txng.ops import resilience
from txng.ops.postgresql import base

# Nothing listens on port 9 (discard) of the loopback: Redis refused at once.
DEAD_REDIS = "redis://127.0.0.1:9/0"
TIMEOUTS = {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}


class _Flaky:
    """A view whose first call meets a database outage."""

    def __init__(self):
        self.calls = 0

    def __call__(self, request):
        self.calls += 1
        if self.calls == 1:
            raise OperationalError("terminating connection due to administrator command")
        return HttpResponse("ok")


flaky = _Flaky()


class _FlakyLanguage(_Flaky):
    """The same, answering with the Accept-Language the request kept for the resolver."""

    def __call__(self, request):
        super().__call__(request)
        return HttpResponse(request.accept_language)


flaky_language = _FlakyLanguage()
urlpatterns = [path("flaky/", flaky), path("flaky-language/", flaky_language)]
handler500 = "txng.ops.resilience.server_error"


def _wrapper(budget):
    settings_dict = {**connection.settings_dict, "CONNECT_RETRY_SECONDS": budget}
    return base.DatabaseWrapper(settings_dict, alias="retry-test")


def test_a_new_connection_waits_while_postgresql_restarts(monkeypatch):
    answers = [
        PsycopgOperationalError("connection failed: Connection refused"),
        PsycopgOperationalError("FATAL:  the database system is starting up"),
        "connection",
    ]

    def connect(self, params):
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(base.base.DatabaseWrapper, "get_new_connection", connect)
    monkeypatch.setattr(base.time, "sleep", lambda seconds: None)
    assert _wrapper(10).get_new_connection({}) == "connection"
    assert answers == []


def test_a_refused_password_is_not_waited_for(monkeypatch):
    calls = []

    def connect(self, params):
        calls.append(params)
        raise PsycopgOperationalError('FATAL:  password authentication failed for user "txng"')

    monkeypatch.setattr(base.base.DatabaseWrapper, "get_new_connection", connect)
    monkeypatch.setattr(base.time, "sleep", lambda seconds: None)
    with pytest.raises(PsycopgOperationalError):
        _wrapper(10).get_new_connection({})
    assert len(calls) == 1


def test_the_wait_for_postgresql_is_bounded(monkeypatch):
    clock = [0.0]

    def connect(self, params):
        raise PsycopgOperationalError("connection failed: Connection refused")

    def sleep(seconds):
        clock[0] += seconds

    monkeypatch.setattr(base.base.DatabaseWrapper, "get_new_connection", connect)
    monkeypatch.setattr(base.time, "sleep", sleep)
    monkeypatch.setattr(base.time, "monotonic", lambda: clock[0])
    with pytest.raises(PsycopgOperationalError):
        _wrapper(3).get_new_connection({})
    assert 2 <= clock[0] <= 3


def test_a_database_outage_is_a_503_with_retry_after_not_a_500():
    request = RequestFactory().post("/lo-hang/1/nhat-ky/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = resilience.server_error(request)
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    try:  # closing a server-side cursor raises psycopg's own error, unwrapped by Django
        raise PsycopgOperationalError("consuming input failed: server closed the connection")
    except PsycopgOperationalError:
        assert resilience.server_error(request).status_code == 503
    try:
        raise ValueError("a bug")
    except ValueError:
        assert resilience.server_error(request).status_code == 500


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_read_cut_by_a_database_restart_is_run_again():
    flaky.calls = 0
    response = Client(raise_request_exception=False).get("/flaky/")
    assert response.status_code == 200 and flaky.calls == 2


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_read_run_again_keeps_the_accept_language_header():
    flaky_language.calls = 0
    response = Client(raise_request_exception=False).get(
        "/flaky-language/", headers={"accept-language": "en-GB,en;q=0.8"}
    )
    assert flaky_language.calls == 2
    assert response.content == b"en-GB,en;q=0.8"


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_write_cut_by_a_database_restart_is_refused_with_503_and_not_run_again():
    flaky.calls = 0
    response = Client(raise_request_exception=False).post("/flaky/")
    assert response.status_code == 503 and response["Retry-After"]
    assert flaky.calls == 1


@pytest.mark.django_db  # the dropped write leaves its mark (txng/common/rediscache.py)
def test_an_unreachable_redis_is_an_empty_cache_that_keeps_nothing():
    cache = DegradingRedisCache(DEAD_REDIS, {"OPTIONS": TIMEOUTS})
    cache.set("k", 1)
    assert cache.get("k", "missing") == "missing"
    assert cache.get_many(["k"]) == {}
    assert cache.add("k", 1) is False
    with pytest.raises(ValueError):
        cache.incr("k")  # as for an evicted key, which callers handle


def test_cached_pages_still_get_a_version_while_redis_is_down(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "txng.common.rediscache.DegradingRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": TIMEOUTS,
        },
    }
    first, second = CacheVersion("t:version").get(), CacheVersion("t:version").get()
    # Never the same twice: nothing is cached under a version another process could bump.
    assert first and second and first != second


@pytest.mark.django_db
def test_rate_limits_still_hold_while_redis_is_down(settings):
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": TIMEOUTS,
        },
        "ratelimit-fallback": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "txng_rate_limits",
        },
    }
    answers = [ratelimit.hit("outage:198.51.100.7", limit=2, seconds=3600) for _ in range(3)]
    assert answers == [False, False, True]
    # Counted where every worker counts while Redis is away: the database table.
    table = DatabaseCache("txng_rate_limits", {})
    assert any(table.get(f"rl:outage:198.51.100.7:{w}") == 3 for w in _windows(3600))


def test_without_a_fallback_a_rate_limit_fails_closed(settings):
    settings.CACHES = {
        **{alias: c for alias, c in settings.CACHES.items() if alias != "ratelimit-fallback"},
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": TIMEOUTS,
        },
    }
    with pytest.raises(Exception):  # noqa: B017,PT011 - the request fails, it is not let through
        ratelimit.hit("outage:198.51.100.8", limit=2, seconds=3600)


def _windows(seconds):
    import time

    now = int(time.time() // seconds)
    return [now - 1, now]
