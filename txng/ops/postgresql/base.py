"""PostgreSQL for Django, waiting out a short outage instead of failing the request at once.

While PostgreSQL restarts (`pg_ctl restart`, a minor upgrade, a failover: a few seconds) a
request that opens a connection gets "connection refused" or "the database system is starting
up", and answered a 500 although a second later it would have worked. `get_new_connection` is the
documented hook of a database backend for opening a connection; this one tries again, with
growing pauses, for up to DB_CONNECT_RETRY_SECONDS (the settings key CONNECT_RETRY_SECONDS) when
the error says the server is not there yet, and never when it refuses the password or does not
know the database: those do not heal by waiting.
"""

import logging
import time

from django.db.backends.postgresql import base
from psycopg import OperationalError

logger = logging.getLogger(__name__)

# What libpq says while the server is down, starting or stopping (lower case).
TRANSIENT = (
    "connection refused",
    "no such file or directory",  # the Unix socket, gone while the server is down
    "the database system is starting up",
    "the database system is shutting down",
    "the database system is not yet accepting connections",
    "the database system is in recovery mode",
    "server closed the connection unexpectedly",
    "timeout expired",
)


def is_transient(error):
    text = str(error).lower()
    return any(marker in text for marker in TRANSIENT)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        budget = float(self.settings_dict.get("CONNECT_RETRY_SECONDS", 0) or 0)
        deadline = time.monotonic() + budget
        pause = 0.1
        while True:
            try:
                return super().get_new_connection(conn_params)
            except OperationalError as exc:
                if not is_transient(exc) or time.monotonic() + pause > deadline:
                    raise
                logger.warning("PostgreSQL not reachable (%s): trying again in %.1f s", exc, pause)
                time.sleep(pause)
                pause = min(pause * 2, 1.0)
