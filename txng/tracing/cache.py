"""A version number for everything a public trace shows, so pages can cache it safely.

Any change that can alter a lot's public timeline (a new event, a link between lots, a recall)
bumps the version once its transaction commits; cache keys that include the version then miss.
Changes that go around these paths (a business renamed, say) show up when the entry's short
timeout runs out.
"""

import secrets

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "tracing:version"


def trace_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY, version)
    return version


def _bump():
    # A fresh random token rather than incr: no lost updates between processes, no key to seed.
    cache.set(VERSION_KEY, secrets.token_hex(8), timeout=None)


def bump_trace_version(**_kwargs):
    """Invalidate cached traces when the current transaction commits (at once outside one)."""
    transaction.on_commit(_bump)
