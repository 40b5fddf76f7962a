"""Redis as a cache that, when Redis cannot be reached, behaves as an empty cache that keeps
nothing, instead of failing the request.

Everything in the default cache can be rebuilt from PostgreSQL (page frames, version tokens,
lookups, figures), so while Redis restarts a page is rendered from the database (a cache miss)
and answered. Reads miss, writes are dropped, `incr` finds no key (ValueError, as for a key that
was evicted, which the callers handle). What needs the shared counts for correctness does not use
this class: rate limits count in the plain "ratelimit" cache and fall back to a database table
(txng/common/ratelimit.py), failing closed if neither answers.

Without a socket timeout a Redis that hangs would hold every request: REDIS_TIMEOUT bounds each
operation (the settings put it in OPTIONS).
"""

import functools
import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Redis not reachable, closed the connection, still loading, or too slow to answer.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
WARN_EVERY_SECONDS = 30
_last_warning = [0.0]


def warn_unavailable(operation, exc):
    now = time.monotonic()
    if now - _last_warning[0] >= WARN_EVERY_SECONDS:
        _last_warning[0] = now
        logger.warning("Redis unavailable (%s: %s): serving without the cache", operation, exc)


def _degrades(fallback):
    """Run the operation; on a Redis outage return what an empty cache would (fallback(args))."""

    def decorator(method):
        @functools.wraps(method)
        def wrapped(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as exc:
                warn_unavailable(method.__name__, exc)
                return fallback(*args, **kwargs)

        return wrapped

    return decorator


def _missing_key(*_args, **_kwargs):
    raise ValueError("Key not found (Redis unavailable)")


class DegradingRedisCache(RedisCache):
    @_degrades(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_degrades(lambda keys, version=None: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_degrades(lambda *a, **k: False)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_degrades(lambda *a, **k: None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_degrades(lambda data, *a, **k: list(data))
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_degrades(lambda *a, **k: False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_degrades(lambda *a, **k: False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_degrades(lambda *a, **k: None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_degrades(lambda *a, **k: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_degrades(_missing_key)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)
