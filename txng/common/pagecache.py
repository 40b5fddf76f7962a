"""Public pages rendered once for every anonymous visitor who sees the same thing, filled per
request.

Many visitors see the same page except for a few values: a scan page's code and scan count,
the request's path (the language switch returns to it), a CSRF token should the page hold a
form. The page is rendered with a placeholder ("hole") for each of those, kept in the shared
cache under a key naming everything else it shows, beside the versions (CacheVersion tokens) of
the data it shows, and every request only fills the holes. A change to that data bumps a
version when its transaction commits, and the next request in any process renders the page
again: nothing is served from a timeout. A page that also depends on the clock (a banner's or
an article's start) says until when it holds (`frame_until`). Requests that carry a session or
pending messages (a signed-in user, a just-submitted report) get a page of their own.
"""

import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import conditional_escape

from txng.common.primary import primary_reads

FRAME_SECONDS = 3600  # the key holds every version the page shows: the timeout only frees space
# Context values that are this request's own whatever the page: always holes in a frame.
PER_REQUEST = ("csrf_token", "csp_nonce")


def hole(name):
    # Letters and underscores only: they pass escaping unchanged and match no real text.
    return f"TXNGHOLE_{name.upper()}_X"


def fill(page, values):
    """`page` with each hole replaced by its value: safe strings as they are, others escaped."""
    for name, value in values.items():
        page = page.replace(hole(name), conditional_escape(value))
    return page


def shareable(request):
    """Whether the page this request gets can be the one every anonymous visitor gets."""
    return not (
        request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        or request.COOKIES.get(CookieStorage.cookie_name)
    )


def render_framed(request, template, context, *, key, versions, fills=None, prefix="page"):
    """The page `template` renders, except that each name in `fills` (a value that differs from
    one request to the next) is a hole, filled per request. `key` (a tuple) names everything
    else the page shows apart from `versions` (CacheVersions of what it shows, such as the
    product's); `context(tokens)` gives the template's context for those versions' current
    tokens, needed only when the frame has to be rendered. When the page changes with the
    clock too, the context's "frame_until" (an aware datetime, or None) says until when the
    frame holds. The frame is shared when the request is shareable.

    The frame is kept with the tokens it was rendered under, and read in the same cache read as
    the current tokens (one round trip): a frame whose tokens are no longer current is rendered
    again and replaces it."""
    fills = {**(fills or {}), "next_path": request.get_full_path()}
    if not shareable(request):
        tokens = [version.get() for version in versions]
        return render_to_string(template, {**context(tokens), **fills}, request)
    cache_key, tokens, kept = _read(f"{prefix}:frame", key, versions)
    frame_tokens, until, page = kept or (None, None, None)
    if frame_tokens != tokens or (until is not None and timezone.now() >= until):
        holes = {name: hole(name) for name in [*fills, *PER_REQUEST]}
        with primary_reads():  # the versions moved on the primary: a replica may lag
            data = context(tokens)
        until = data.pop("frame_until", None)
        page = render_to_string(template, {**data, **holes}, request)
        cache.set(cache_key, (tokens, until, page), FRAME_SECONDS)
    if hole("csrf_token") in page:  # a form on the page gets this visitor's own token
        fills["csrf_token"] = get_token(request)
    if hole("csp_nonce") in page:  # an inline script gets this response's nonce
        fills["csp_nonce"] = getattr(request, "csp_nonce", "")
    return fill(page, fills)


def cached(key, versions, compute, *, prefix="data"):
    """`compute()`'s value (anything the cache can pickle), kept in the shared cache under
    `key` (a tuple) with the tokens of `versions` it was computed under, and read with them in
    one round trip: computed again once one of them changes."""
    cache_key, tokens, kept = _read(f"{prefix}:data", key, versions)
    kept_tokens, value = kept or (None, None)
    if kept_tokens != tokens:
        with primary_reads():  # the versions moved on the primary: a replica may lag
            value = compute()
        cache.set(cache_key, (tokens, value), FRAME_SECONDS)
    return value


def _read(namespace, key, versions):
    """The cache key of `key` (a tuple) under `namespace`, the versions' current tokens and what
    is kept under that key (or None), in one cache read."""
    cache_key = f"{namespace}:{hashlib.sha256(repr(key).encode()).hexdigest()[:32]}"
    found = cache.get_many([cache_key, *(version.key for version in versions)])
    tokens = [found.get(version.key) or version.get() for version in versions]
    return cache_key, tokens, found.get(cache_key)
