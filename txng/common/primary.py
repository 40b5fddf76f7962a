"""Reads that must see the primary database's latest commit, whatever router is set up.

A cached page or value rebuilt because a version moved must be built from the data that moved
it: the version is bumped as soon as the primary commits, and a lagging read replica could
still hold the old rows, which would then be kept under the new version for everyone. A router
that sends reads elsewhere (txng.ops.replica) consults `reading_from_primary()`; common knows
nothing of it.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_primary_only: ContextVar[bool] = ContextVar("primary_only", default=False)


def reading_from_primary():
    return _primary_only.get()


@contextmanager
def primary_reads():
    """Within the block, every read goes to the primary ("default") database."""
    token = _primary_only.set(True)
    try:
        yield
    finally:
        _primary_only.reset(token)
