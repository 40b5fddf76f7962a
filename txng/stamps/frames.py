"""The scan page's frame: rendered once for every stamp that shows the same thing, filled per scan.

Thousands of stamps on one lot show the same page except for a few values: the code, the scan
count, the request's path (and a CSRF token, should the page ever hold a form). The page is
rendered with a placeholder ("hole") for each of those, the result is cached, and every scan
only fills the holes. Requests that carry a session or pending messages (a signed-in user, a
just-submitted report) get a page of their own.
"""

import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import conditional_escape

FRAME_SECONDS = 60


def _hole(name):
    # Letters and underscores only: they pass escaping unchanged and match no real text.
    return f"TXNGHOLE_{name.upper()}_X"


def shareable(request):
    """Whether the page this request gets can be the one every anonymous visitor gets."""
    return not (
        request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        or request.COOKIES.get(CookieStorage.cookie_name)
    )


def frame_key(*parts):
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"stamps:scan-frame:{digest}"


def render_framed(request, template, context, *, key, fills):
    """Render `template` with `context`, except that each name in `fills` (a value that differs
    from one request to the next) is a hole. The holed page is cached under `key` when the
    request is shareable; the holes are then filled: safe strings as they are, others escaped.
    """
    fills = {**fills, "next_path": request.get_full_path()}
    share = shareable(request)
    frame = cache.get(key) if share else None
    if frame is None:
        holes = {name: _hole(name) for name in fills}
        if share:  # a form on the page would otherwise keep the first visitor's token
            holes["csrf_token"] = _hole("csrf_token")
        frame = render_to_string(template, {**context, **holes}, request)
        if share:
            cache.set(key, frame, FRAME_SECONDS)
    if _hole("csrf_token") in frame:
        fills["csrf_token"] = get_token(request)
    for name, value in fills.items():
        frame = frame.replace(_hole(name), conditional_escape(value))
    return frame
