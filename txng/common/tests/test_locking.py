"""The transition lock helper, and SQLite's transaction mode for the demo."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connections, transaction

from txng.accounts.models import OrgStatus
from txng.common.locking import lock_for_transition
from txng.settings import database_from_url


@pytest.mark.django_db
def test_lock_for_transition_reloads_the_row_and_refuses_a_state_already_left(
    biz_owner, dost_admin
):
    org = biz_owner.organisation
    stale = type(org).objects.get(pk=org.pk)
    type(org).objects.filter(pk=org.pk).update(status=OrgStatus.LOCKED)
    with transaction.atomic(), pytest.raises(ValidationError) as refused:
        lock_for_transition(stale, (OrgStatus.ACTIVE,), field="status")
    assert stale.status == OrgStatus.LOCKED
    assert str(OrgStatus.LOCKED.label) in refused.value.messages[0]


def test_sqlite_opens_transactions_immediate_with_a_busy_timeout():
    options = database_from_url("sqlite:////tmp/x.sqlite3")["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5


ALIAS = "sqlite_race"


@pytest.fixture
def sqlite_race_db(tmp_path, django_db_blocker):
    """A second, real SQLite database file configured exactly as settings.py configures the
    demo's, reachable as connections[ALIAS] (each thread gets its own connection)."""
    config = database_from_url(f"sqlite://{tmp_path / 'race.sqlite3'}")
    filled = connections.configure_settings({"default": config, ALIAS: config})
    connections.settings[ALIAS] = filled[ALIAS]
    with django_db_blocker.unblock():
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("CREATE TABLE dossier (id integer primary key, state text)")
            cursor.execute("CREATE TABLE history (dossier integer, to_state text)")
            cursor.execute("INSERT INTO dossier VALUES (1, 'submitted')")
        connections[ALIAS].close()
        yield ALIAS
        connections[ALIAS].close()
    del connections.settings[ALIAS]


def test_sqlite_race_loser_is_refused_instead_of_database_is_locked(sqlite_race_db):
    """Two reviewers decide the same dossier at once, each reading its state and then writing.
    In SQLite's default DEFERRED mode both read, then one fails with "database is locked" (a
    500 in the demo); IMMEDIATE makes the second wait for the first and see its decision."""
    barrier = threading.Barrier(2)
    outcomes = []

    def review(decision):
        connection = connections[sqlite_race_db]
        barrier.wait()
        try:
            with transaction.atomic(using=sqlite_race_db), connection.cursor() as cursor:
                cursor.execute("SELECT state FROM dossier WHERE id = 1")
                state = cursor.fetchone()[0]
                time.sleep(0.3)  # in DEFERRED mode the other reviewer reads meanwhile
                if state != "submitted":
                    outcomes.append("refused")
                    return
                cursor.execute("UPDATE dossier SET state = %s WHERE id = 1", [decision])
                cursor.execute("INSERT INTO history VALUES (1, %s)", [decision])
            outcomes.append("won")
        except OperationalError as exc:
            outcomes.append(f"error: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=review, args=(d,)) for d in ("approved", "rejected")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["refused", "won"]
    with connections[sqlite_race_db].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM history")
        assert cursor.fetchone()[0] == 1
