"""The scan page's frame: rendered once for every stamp that shows the same thing, filled per scan.

Thousands of stamps on one lot show the same page except for a few values: the code, the scan
count, the request's path (and a CSRF token, should the page ever hold a form). The page is
rendered with a placeholder ("hole") for each of those, the result is cached, and every scan
only fills the holes. Requests that carry a session or pending messages (a signed-in user, a
just-submitted report) get a page of their own.

The frame is kept in the shared cache (so a new process need not render it again) and, already
cut at its holes, in the process (so a scan needs neither a cache read nor a search for holes).
"""

import hashlib
import re

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from txng.common.localmemo import LocalMemo

FRAME_SECONDS = 60

_local = LocalMemo(FRAME_SECONDS)  # frame key -> Frame


def _hole(name):
    # Letters and underscores only: they pass escaping unchanged and match no real text.
    return f"TXNGHOLE_{name.upper()}_X"


def shareable(request):
    """Whether the page this request gets can be the one every anonymous visitor gets."""
    return not (
        request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        or request.COOKIES.get(CookieStorage.cookie_name)
    )


# What django.utils.html.escape replaces, in one pass.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _escape(value):
    """conditional_escape, for str values: safe strings as they are, others escaped."""
    if type(value) is str:  # the usual case, without the AttributeError that hasattr raises
        return value.translate(_ESCAPES)
    return value if hasattr(value, "__html__") else value.translate(_ESCAPES)


class Frame:
    """A rendered page cut at its holes: texts[0], hole, texts[1], hole, ... texts[-1]."""

    def __init__(self, page, names):
        by_hole = {_hole(name): name for name in names}
        pattern = re.compile("(" + "|".join(map(re.escape, by_hole)) + ")")
        pieces = pattern.split(page)
        self.texts = pieces[::2]
        self.holes = [by_hole[piece] for piece in pieces[1::2]]

    def fill(self, values):
        escaped = {name: _escape(values[name]) for name in set(self.holes)}
        out = [self.texts[0]]
        for name, text in zip(self.holes, self.texts[1:], strict=True):
            out += (escaped[name], text)
        return "".join(out)


def render_framed(request, template, context, *, key, fills):
    """The page `template` renders, except that each name in `fills` (a value that differs from
    one request to the next) is a hole, filled per request: safe strings as they are, others
    escaped. `key` (a tuple) names everything else the page shows; `context()` gives the
    template's context, needed only when the frame has to be rendered.

    The frame is shared under `key` when the request is shareable."""
    fills = {**fills, "next_path": request.get_full_path()}
    share = shareable(request)
    frame = _local.get(key) if share else None
    if frame is None:
        names = [*fills, "csrf_token"]
        digest = "stamps:scan-frame:" + hashlib.sha256(repr(key).encode()).hexdigest()[:32]
        page = cache.get(digest) if share else None
        if page is None:
            holes = {name: _hole(name) for name in fills}
            if share:  # a form on the page would otherwise keep the first visitor's token
                holes["csrf_token"] = _hole("csrf_token")
            page = render_to_string(template, {**context(), **holes}, request)
            if share:
                cache.set(digest, page, FRAME_SECONDS)
        frame = Frame(page, names)
        if share:
            _local.set(key, frame)
    if "csrf_token" in frame.holes:
        fills["csrf_token"] = get_token(request)
    return frame.fill(fills)
