"""Scans written behind the page: a scan request queues its row; a thread writes the queue.

Written in the request, a scan's row and counter bump were most of what the scan page cost the
server and the database. Instead each process queues its scans, and a thread writes them every
SCAN_FLUSH_SECONDS (sooner once SCAN_FLUSH_SIZE are waiting) as one batch. Ids are taken
from the table's sequence in blocks beforehand, so a queued scan already has the id its page
links to (the location token).

The page's count stays right for its visitor: it adds this process's still-queued scans of the
stamp to the stored count. It may lag behind scans that another process has queued for at most
SCAN_FLUSH_SECONDS.

The cost: a process killed outright (SIGKILL, power loss) loses what it had queued, at most
SCAN_FLUSH_SECONDS of scans. A normal stop (SIGTERM, gunicorn's worker restarts) writes the
queue first. A failed write (the database restarting) keeps the rows queued for the next try,
up to SCAN_QUEUE_MAX rows. SCAN_FLUSH_SECONDS=0 writes each scan in its own request instead:
the default on SQLite (whose ids cannot be reserved) and in the tests.
"""

import atexit
import logging
import os
import threading
from collections import Counter

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

ID_BLOCK = 200


def buffered(vendor=None):
    vendor = vendor or connection.vendor
    return settings.SCAN_FLUSH_SECONDS > 0 and vendor == "postgresql"


class ScanQueue:
    """This process's scans not yet written. `write(rows)` stores a list of unsaved Scans.
    Without `background`, nothing writes the queue but a call to flush()."""

    def __init__(self, write, *, background=True):
        self.write = write
        self.background = background
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self._reset()
        if background:
            atexit.register(self.stop)

    def _reset(self):
        self.pid = os.getpid()
        self.rows = []
        self.queued = Counter()  # stamp id -> its scans queued or being written
        self.first = {}  # stamp id -> the earliest of those
        self.ids = iter(())
        self.thread = None
        self.stopping = False

    def _own(self):
        # A forked worker inherits its parent's queue object: it must not write its rows twice.
        if self.pid != os.getpid():
            self._reset()

    def add(self, scan):
        """Queue `scan` (or write it now when not buffered). Returns how many scans of the same
        stamp this process still has queued before it, and the earliest time among them."""
        vendor = connection.vendor
        with self.lock:
            self._own()
            if vendor == "postgresql":
                scan.id = self._next_id()
            if buffered(vendor):
                return self._queue(scan)
        self.write([scan])
        return 0, None

    def _queue(self, scan):
        # Called with the lock held.
        stamp_id = scan.stamp_id
        earlier, first = self.queued[stamp_id], self.first.get(stamp_id)
        self.rows.append(scan)
        if stamp_id is not None:
            self.queued[stamp_id] += 1
            self.first.setdefault(stamp_id, scan.at)
        self._start()
        if len(self.rows) >= settings.SCAN_FLUSH_SIZE:
            self.wake.set()
        return earlier, first

    def _next_id(self):
        scan_id = next(self.ids, None)
        if scan_id is None:
            from txng.stamps.models import Scan

            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [Scan._meta.db_table, ID_BLOCK],
                )
                self.ids = iter([row[0] for row in cursor.fetchall()])
            scan_id = next(self.ids)
        return scan_id

    def _start(self):
        if self.background and (self.thread is None or not self.thread.is_alive()):
            self.thread = threading.Thread(target=self._run, name="txng-scan-queue", daemon=True)
            self.thread.start()

    def _run(self):
        while not self.stopping:
            self.wake.wait(settings.SCAN_FLUSH_SECONDS)
            self.wake.clear()
            try:
                self.flush()
            except Exception:
                logger.exception("Could not write queued scans; will retry")
                connection.close()  # this thread's connection: a fresh one next time

    def flush(self):
        """Write every queued scan now. Returns how many were written."""
        with self.lock:
            self._own()
            rows, self.rows = self.rows, []
        if not rows:
            return 0
        try:
            self.write(rows)
        except Exception:
            with self.lock:
                self.rows[:0] = rows
                overflow = len(self.rows) - settings.SCAN_QUEUE_MAX
                if overflow > 0:
                    logger.error("Scan queue full: %s scans dropped", overflow)
                    self._forget(self.rows[:overflow])
                    del self.rows[:overflow]
            raise
        with self.lock:
            self._forget(rows)
        return len(rows)

    def _forget(self, rows):
        for stamp_id, n in Counter(row.stamp_id for row in rows if row.stamp_id).items():
            self.queued[stamp_id] -= n
            if self.queued[stamp_id] <= 0:
                del self.queued[stamp_id]
                self.first.pop(stamp_id, None)

    def stop(self):
        """Write what is queued before the process ends (atexit)."""
        if self.pid != os.getpid():
            return
        self.stopping = True
        self.wake.set()
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join(timeout=10)
        try:
            self.flush()
        except Exception:
            logger.exception("Queued scans lost at exit")
