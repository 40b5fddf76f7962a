import json
from pathlib import Path

import pytest

from txng.epcis import keys

EXAMPLES = Path(__file__).resolve().parent / "data" / "epcis2" / "JSON"


def example(name):
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Capture jobs run in the test's own transaction, as the worker would run them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def make_key(db):
    def _make(user, scopes=("capture", "query")):
        return keys.create_key(actor=user, name="phần mềm kho", scopes=list(scopes))[1]

    return _make


@pytest.fixture
def epcis(client):
    """A client speaking to /epcis/ with a key: epcis(key).post_doc(doc) etc."""

    class Speaker:
        def __init__(self, key):
            self.headers = {"Authorization": f"Bearer {key}"} if key else {}

        def get(self, path, headers=None, **params):
            return client.get(f"/epcis/{path}", params, headers={**self.headers, **(headers or {})})

        def post(self, path, body, headers=None, content_type="application/ld+json"):
            data = body if isinstance(body, (str, bytes)) else json.dumps(body)
            return client.post(
                f"/epcis/{path}",
                data,
                content_type=content_type,
                headers={**self.headers, **(headers or {})},
            )

        def delete(self, path):
            return client.delete(f"/epcis/{path}", headers=self.headers)

    return Speaker
