"""The scan page's frame: rendered once for every stamp that shows the same thing, filled per scan.

Thousands of stamps on one lot show the same page except for a few values: the code, the scan
count, the request's path (and a CSRF token, should the page ever hold a form). The page is
rendered with a placeholder ("hole") for each of those, kept in the shared cache under a key
naming everything else it shows, beside the versions of the product and the trace it shows, and
every scan only fills the holes. Requests that carry a session or pending messages (a signed-in
user, a just-submitted report) get a page of their own.
"""

import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import conditional_escape

FRAME_SECONDS = 3600  # the key holds every version the page shows: the timeout only frees space


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


def render_framed(request, template, context, *, key, versions, fills):
    """The page `template` renders, except that each name in `fills` (a value that differs from
    one request to the next) is a hole, filled per request. `key` (a tuple) names everything
    else the page shows apart from `versions` (CacheVersions of what it shows, such as the
    product's); `context(tokens)` gives the template's context for those versions' current
    tokens, needed only when the frame has to be rendered. The frame is shared when the request
    is shareable.

    The frame is kept with the tokens it was rendered under, and read in the same cache read as
    the current tokens (one round trip): a frame whose tokens are no longer current is rendered
    again and replaces it."""
    fills = {**fills, "next_path": request.get_full_path()}
    if not shareable(request):
        tokens = [version.get() for version in versions]
        return render_to_string(template, {**context(tokens), **fills}, request)
    cache_key = "stamps:scan-frame:" + hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    found = cache.get_many([cache_key, *(version.key for version in versions)])
    tokens = [found.get(version.key) or version.get() for version in versions]
    frame_tokens, page = found.get(cache_key, (None, None))
    if frame_tokens != tokens:
        holes = {name: hole(name) for name in [*fills, "csrf_token"]}
        page = render_to_string(template, {**context(tokens), **holes}, request)
        cache.set(cache_key, (tokens, page), FRAME_SECONDS)
    if hole("csrf_token") in page:  # a form on the page gets this visitor's own token
        fills["csrf_token"] = get_token(request)
    return fill(page, fills)
