"""A version token for a family of cache entries: put it in their keys, bump it to drop them all.

A fresh random token rather than incr: no lost updates between processes, no key to seed. The
bump happens when the current transaction commits (at once outside one), so a rolled-back change
keeps the cached entries, and a reader never caches the old state under the new version. The
token lives in the shared cache only (Redis or the database cache in production, see the
txng.E001 check): a bump made by one process is seen by every other on its next read.
"""

import secrets

from django.core.cache import cache
from django.db import transaction


class CacheVersion:
    def __init__(self, key):
        self.key = key

    def get(self):
        version = cache.get(self.key)
        if version is None:
            version = secrets.token_hex(8)
            if not cache.add(self.key, version, timeout=None):
                version = cache.get(self.key, version)
        return version

    def _new(self):
        cache.set(self.key, secrets.token_hex(8), timeout=None)

    def bump(self, **_signal_kwargs):
        """Usable as a signal receiver too."""
        transaction.on_commit(self._new)
