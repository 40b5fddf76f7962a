"""Two officials pressing two buttons at the same moment, for tests of state transitions.

Use from a test marked ``@pytest.mark.django_db(transaction=True)`` on PostgreSQL: each call
runs in its own thread with its own database connection and its own transaction, as two
requests would.
"""

import threading

from django.core.exceptions import ValidationError
from django.db import connection

WON = "won"


def race(load, *acts, timeout=30):
    """Run each of `acts` in its own thread. Every thread first runs `load()` (the view's
    get_object_or_404: each request reads the object), then all wait at a barrier, so that all
    have read before any writes; then each runs its act on what it loaded.

    Returns one outcome per act, in order: WON, the ValidationError it raised (a refusal the
    view shows as a message), or any other exception (which would have been a 500)."""
    barrier = threading.Barrier(len(acts))
    outcomes = [None] * len(acts)

    def run(index, act):
        try:
            obj = load()
            barrier.wait(timeout)
            act(obj)
            outcomes[index] = WON
        except ValidationError as exc:
            outcomes[index] = exc
        except Exception as exc:  # noqa: BLE001 - the test reports what a 500 would have been
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, act)) for i, act in enumerate(acts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return outcomes


def assert_one_won(outcomes):
    """Exactly one act went through; every other was refused with a message (not a 500)."""
    assert outcomes.count(WON) == 1, outcomes
    for outcome in outcomes:
        if outcome != WON:
            assert isinstance(outcome, ValidationError), repr(outcome)
            assert outcome.messages and outcome.messages[0].strip()
