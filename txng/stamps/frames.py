"""The scan page's frame: rendered once for every stamp that shows the same thing, filled per scan.

Thousands of stamps on one lot show the same page except for a few values: the code, the scan
count, the request's path (and a CSRF token, should the page ever hold a form). The mechanism is
common to the public pages (txng/common/pagecache.py); the scan page keeps its own key prefix.
"""

from functools import partial

from txng.common import pagecache
from txng.common.pagecache import FRAME_SECONDS, fill, hole, shareable  # noqa: F401

render_framed = partial(pagecache.render_framed, prefix="stamps:scan")
