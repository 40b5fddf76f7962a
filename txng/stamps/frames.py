"""The scan page's frame: rendered once for every stamp that shows the same thing, filled per scan.

Thousands of stamps on one lot show the same page except for a few values: the code, the scan
count, the request's path (and a CSRF token, should the page ever hold a form). The page is
rendered with a placeholder ("hole") for each of those, kept in the shared cache under a key
naming everything else it shows (with the versions of the product and the trace), and every
scan only fills the holes. Requests that carry a session or pending messages (a signed-in user,
a just-submitted report) get a page of their own.
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


def render_framed(request, template, context, *, key, fills):
    """The page `template` renders, except that each name in `fills` (a value that differs from
    one request to the next) is a hole, filled per request. `key` (a tuple) names everything
    else the page shows, versions included; `context()` gives the template's context, needed
    only when the frame has to be rendered. The frame is shared when the request is shareable."""
    fills = {**fills, "next_path": request.get_full_path()}
    if not shareable(request):
        return render_to_string(template, {**context(), **fills}, request)
    cache_key = "stamps:scan-frame:" + hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    page = cache.get(cache_key)
    if page is None:
        holes = {name: hole(name) for name in [*fills, "csrf_token"]}
        page = render_to_string(template, {**context(), **holes}, request)
        cache.set(cache_key, page, FRAME_SECONDS)
    if hole("csrf_token") in page:  # a form on the page gets this visitor's own token
        fills["csrf_token"] = get_token(request)
    return fill(page, fills)
