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

A dropped write can leave Redis stale once it answers again: a version bump (CacheVersion), a
delete or a counter (the comments' version) that never landed keeps the old value, and the pages
cached under it (scan-page frames, product ETags) with it. So a dropped write leaves a mark in the
database (StaleCacheMark, one per process per outage: the outage does not cost a row per
request), and a process that reaches Redis and finds a mark deletes this cache's keys (its
KEY_PREFIX only: the rate limits, in the same Redis under another prefix, are kept; sessions are
in the database), then the marks it saw. Everything deleted is rebuilt from PostgreSQL, as after
a Redis restart; a fresh random version token then differs from every token cached before.

When to look at the marks without a query per request: at a process's first operation, at its
first operation that reaches Redis after one that did not (a process that served requests during
the outage finds the mark at once), and otherwise every CHECK_EVERY_SECONDS (one cheap query a
minute per process). A process whose own write was dropped clears the keys itself even if its
mark was rolled back with its transaction or the database did not answer. So pages may show the
old state for at most CHECK_EVERY_SECONDS after Redis answers again, and usually not at all: a
process that met the outage clears the keys before it reads from Redis again.
"""

import functools
import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError, transaction
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Redis not reachable, closed the connection, still loading, or too slow to answer.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
WARN_EVERY_SECONDS = 30
CHECK_EVERY_SECONDS = 60  # how stale another process's dropped write can leave Redis, at most
RETRY_CHECK_SECONDS = 5  # the database did not answer when the marks were looked at
_last_warning = [0.0]


def warn_unavailable(operation, exc):
    now = time.monotonic()
    if now - _last_warning[0] >= WARN_EVERY_SECONDS:
        _last_warning[0] = now
        logger.warning("Redis unavailable (%s: %s): serving without the cache", operation, exc)


def _degrades(fallback, kind="read"):
    """Run the operation; on a Redis outage return what an empty cache would (fallback(args)).
    `kind` "write": a dropped one may leave Redis stale; "read": after the keys were cleared it
    answers as the now empty cache does."""

    def decorator(method):
        @functools.wraps(method)
        def wrapped(self, *args, **kwargs):
            try:
                result = method(self, *args, **kwargs)
                if time.monotonic() >= self._next_check and self._clear_if_marked():
                    return fallback(*args, **kwargs) if kind == "read" else result
                return result
            except UNAVAILABLE as exc:
                warn_unavailable(method.__name__, exc)
                self._unreachable(lost_write=kind == "write")
                return fallback(*args, **kwargs)

        return wrapped

    return decorator


def _glob_escape(text):
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


def _missing_key(*_args, **_kwargs):
    raise ValueError("Key not found (Redis unavailable)")


class DegradingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        # Django makes one instance per thread: this state is the thread's, no lock needed.
        self._next_check = 0.0  # monotonic time of the next look at the marks
        self._lost_write = False  # a write of ours was dropped and the keys not cleared since

    def _unreachable(self, *, lost_write):
        self._next_check = 0.0  # look at the marks as soon as Redis answers again
        if lost_write and not self._lost_write:
            self._lost_write = True
            try:
                with transaction.atomic():
                    from txng.common.models import StaleCacheMark

                    StaleCacheMark.objects.create()
            except DatabaseError:
                logger.warning("Redis and the database unavailable: the cache mark is not kept")

    def _clear_if_marked(self):
        """Clear this cache's keys when a dropped write left a mark; True if they were."""
        from txng.common.models import StaleCacheMark

        now = time.monotonic()
        self._next_check = now + CHECK_EVERY_SECONDS
        try:
            with transaction.atomic():
                latest = StaleCacheMark.objects.order_by("-pk").values_list("pk", flat=True).first()
        except DatabaseError:
            self._next_check = now + RETRY_CHECK_SECONDS
            latest = None
        if latest is None and not self._lost_write:
            return False
        self.clear_own_keys()  # Redis gone again: UNAVAILABLE, the marks stay for the next try
        self._lost_write = False
        if latest is not None:
            try:
                with transaction.atomic():
                    # Marks made meanwhile are newer: they get their own clearing.
                    StaleCacheMark.objects.filter(pk__lte=latest).delete()
            except DatabaseError:
                pass  # cleared again at the next look: misses, nothing stale
        logger.warning("Redis answers again: its keys were cleared after a dropped write")
        return True

    def clear_own_keys(self):
        """Delete the keys under this cache's KEY_PREFIX (clear() would empty the whole Redis
        database, rate limits included)."""
        client = self._cache.get_client(None, write=True)
        pattern = _glob_escape(self.key_prefix) + ":*"
        batch = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.unlink(*batch)
                batch = []
        if batch:
            client.unlink(*batch)

    @_degrades(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_degrades(lambda keys, version=None: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_degrades(lambda *a, **k: False, "add")
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_degrades(lambda *a, **k: None, "write")
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_degrades(lambda data, *a, **k: list(data), "write")
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_degrades(lambda *a, **k: False, "add")
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_degrades(lambda *a, **k: False, "write")
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_degrades(lambda *a, **k: None, "write")
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_degrades(lambda *a, **k: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_degrades(_missing_key, "write")
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)
