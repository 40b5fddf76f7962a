"""A version number for everything a public trace shows, so pages can cache it safely.

Any change that can alter a lot's public timeline (a new event, a link between lots, a recall)
bumps the version once its transaction commits; cache keys that include the version then miss.
Changes that go around these paths (a business renamed, say) show up when the entry's short
timeout runs out.
"""

from txng.common.cacheversion import CacheVersion

TRACE_VERSION = CacheVersion("tracing:version")  # read with others: cacheversion.read_versions
trace_version = TRACE_VERSION.get
bump_trace_version = TRACE_VERSION.bump
