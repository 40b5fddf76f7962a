"""Values kept in this process for a short while: for what every request of a hot page reads.

The shared cache costs a lookup, a key check and an unpickling per read (a network round trip
too with Redis). For the few values that the consumer scan page reads on every scan and that
change rarely (a print order, a rendered page frame, a version token), each process keeps its
own copy for `seconds`. What that may cost is staleness of up to `seconds` after a change made
by another process; each use says why that is acceptable where it is used.
"""

import time

_all = []


class LocalMemo:
    def __init__(self, seconds, max_items=1000):
        self.seconds = seconds
        self.max_items = max_items
        self._items = {}  # key -> (monotonic expiry, value)
        _all.append(self)

    def get(self, key, default=None):
        kept = self._items.get(key)
        if kept is not None and kept[0] > time.monotonic():
            return kept[1]
        return default

    def set(self, key, value):
        if len(self._items) >= self.max_items:
            self._items.clear()  # crude but bounded; entries are cheap to make again
        self._items[key] = (time.monotonic() + self.seconds, value)

    def clear(self):
        self._items.clear()


def clear_all():
    """Forget every process-local value (tests, which also clear the shared cache)."""
    for memo in _all:
        memo.clear()
