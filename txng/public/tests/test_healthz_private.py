import logging

import pytest
from django.db.utils import OperationalError
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_tells_the_public_only_ok_or_not_and_logs_the_error(client, monkeypatch, caplog):
    from django.db.backends.utils import CursorWrapper

    secret = 'connection to server at "db.internal" (10.0.0.5), port 5432 failed: user txng'

    def broken(self, sql, params=None):
        raise OperationalError(secret)

    # Undone before the test's teardown, which itself needs the database (the shared cache).
    with monkeypatch.context() as patch, caplog.at_level(logging.ERROR):
        patch.setattr(CursorWrapper, "execute", broken)
        response = client.get(reverse("public:healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}
    assert "db.internal" not in response.content.decode()
    assert "db.internal" in caplog.text


@pytest.mark.django_db
def test_healthz_does_not_name_the_database_engine(client):
    body = client.get(reverse("public:healthz")).json()
    assert body == {"status": "ok", "database": "ok"}
