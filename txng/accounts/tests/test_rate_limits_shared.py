import pytest
from django.core.cache.backends.db import DatabaseCache
from django.db import connection

from txng.common.ratelimit import hit

pytestmark = pytest.mark.django_db


def test_rate_limits_are_counted_in_the_database_for_every_worker(settings):
    if settings.CACHES["ratelimit"]["BACKEND"].endswith("RedisCache"):
        pytest.skip("counted in Redis, shared by every worker")
    for _ in range(3):
        hit("register:203.0.113.9", limit=3, seconds=3600)
    # Another worker has its own memory but the same database: it sees the three hits.
    other_worker = DatabaseCache("txng_rate_limits", {})
    assert hit("register:203.0.113.9", limit=3, seconds=3600) is True
    with connection.cursor() as cursor:
        # Only this key's rows: browser tests commit their own rate-limit rows, and a flush
        # leaves cache tables alone.
        cursor.execute(
            "SELECT COUNT(*) FROM txng_rate_limits WHERE cache_key LIKE %s",
            ["%register:203.0.113.9%"],
        )
        assert cursor.fetchone()[0] == 1
    assert any(
        other_worker.get(key) == 4
        for key in [f"rl:register:203.0.113.9:{w}" for w in _windows(3600)]
    )


def _windows(seconds):
    import time

    now = int(time.time() // seconds)
    return [now - 1, now]
