"""The demo runs on SQLite: the query parameters that worked there before the JSON-path ones
came (EQ_errorReason among them) still do, and those that need PostgreSQL say so (501)."""

import pytest
from django.db import connections
from django.utils import timezone

from txng.epcis import query
from txng.epcis.problems import Problem
from txng.settings import database_from_url
from txng.tracing.models import Event

ALIAS = "sqlite_demo"


@pytest.fixture
def demo_db(tmp_path, django_db_blocker):
    """A real SQLite database configured as the demo's, holding only the event table."""
    config = database_from_url(f"sqlite://{tmp_path / 'demo.sqlite3'}")
    filled = connections.configure_settings({"default": config, ALIAS: config})
    connections.settings[ALIAS] = filled[ALIAS]
    with django_db_blocker.unblock():
        connection = connections[ALIAS]
        with connection.schema_editor() as editor:
            editor.create_model(Event)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")  # no organisations table here
        yield ALIAS
        connection.close()
    del connections[ALIAS]  # the next test's database is another file
    del connections.settings[ALIAS]


def _event(number, **document):
    return Event(
        event_id=f"urn:uuid:00000000-0000-4000-8000-00000000000{number}",
        type="ObjectEvent",
        event_time=timezone.now(),
        business_id=1,
        title="sự kiện",
        document={"type": "ObjectEvent", **document},
    )


def test_eq_error_reason_and_the_older_parameters_work_on_sqlite(demo_db):
    Event.objects.using(demo_db).bulk_create(
        [
            _event(1),
            _event(2, errorDeclaration={"reason": "urn:epcglobal:cbv:er:incorrect_data"}),
            _event(3, errorDeclaration={"reason": "did_not_occur"}),
        ]
    )

    def found(**params):
        events = query.apply(Event.objects.using(demo_db), {k: [v] for k, v in params.items()})
        return sorted(int(e.event_id[-1]) for e in events)

    assert found(EQ_errorReason="incorrect_data") == [2]
    assert found(EQ_errorReason="https://ref.gs1.org/cbv/ER-did_not_occur|incorrect_data") == [2, 3]
    assert found(EXISTS_errorDeclaration="") == [2, 3]
    assert found(eventType="ObjectEvent", EQ_errorReason="did_not_occur") == [3]


@pytest.mark.parametrize("name", ["EQ_quantity", "EQ_source_owning_party", "EQ_ILMD_ex:grade"])
def test_a_parameter_that_needs_postgresql_says_so_on_sqlite(demo_db, name):
    with pytest.raises(Problem) as refused:
        list(query.apply(Event.objects.using(demo_db), {name: ["1"]}))
    assert refused.value.status == 501
