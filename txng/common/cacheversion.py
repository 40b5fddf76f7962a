"""A version token for a family of cache entries: put it in their keys, bump it to drop them all.

A fresh random token rather than incr: no lost updates between processes, no key to seed. The
bump happens when the current transaction commits (at once outside one), so a rolled-back change
keeps the cached entries, and a reader never caches the old state under the new version.

Each process keeps the token it read for LOCAL_SECONDS (the scan page reads two on every scan):
a bump made in this process is seen at once, one made in another within that second.
"""

import secrets

from django.core.cache import cache
from django.db import transaction

from txng.common.localmemo import LocalMemo

LOCAL_SECONDS = 1


class CacheVersion:
    def __init__(self, key):
        self.key = key
        self._local = LocalMemo(LOCAL_SECONDS, max_items=1)

    def get(self):
        version = self._local.get(self.key)
        if version is None:
            version = cache.get(self.key)
            if version is None:
                version = secrets.token_hex(8)
                if not cache.add(self.key, version, timeout=None):
                    version = cache.get(self.key, version)
            self._local.set(self.key, version)
        return version

    def _new(self):
        version = secrets.token_hex(8)
        cache.set(self.key, version, timeout=None)
        self._local.set(self.key, version)

    def bump(self, **_signal_kwargs):
        """Usable as a signal receiver too."""
        transaction.on_commit(self._new)
