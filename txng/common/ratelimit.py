"""A small rate limit for public forms (registration, fake reports, scan locations).

Counts live in the "ratelimit" cache: Redis, or a database table when there is no Redis, never
one process's memory, so four gunicorn workers do not allow four times the limit. While Redis
cannot be reached the counts go to the database table ("ratelimit-fallback"): the limit still
holds, shared by every worker (a window that straddles the outage may allow up to twice the
limit), and if the database does not answer either the request fails rather than passing
unlimited. Logins are throttled separately, on their own failure table (txng/accounts/forms.py)."""

import functools
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.translation import gettext as _

from txng.common.http import client_ip
from txng.common.rediscache import UNAVAILABLE, warn_unavailable


def hit(key, *, limit, seconds):
    """Count one hit for `key` in the current window; True when over the limit."""
    window = int(time.time() // seconds)
    cache_key = f"rl:{key}:{window}"
    try:
        return _count(caches["ratelimit"], cache_key, seconds) > limit
    except UNAVAILABLE as exc:
        if "ratelimit-fallback" not in settings.CACHES:
            raise
        warn_unavailable("rate limit, counted in the database", exc)
        return _count(caches["ratelimit-fallback"], cache_key, seconds) > limit


def _count(cache, cache_key, seconds):
    cache.add(cache_key, 0, seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, seconds)
        count = 1
    return count


def rate_limited(scope, *, limit, seconds, methods=("POST",)):
    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods and hit(
                f"{scope}:{client_ip(request)}", limit=limit, seconds=seconds
            ):
                return HttpResponse(
                    _("Bạn đã gửi quá nhiều lần. Vui lòng thử lại sau."), status=429
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
