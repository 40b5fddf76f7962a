import time

import pytest
from django.core import signing

from txng.feedback import spam
from txng.tracing.tests.fixtures import lot, product  # noqa: F401 - fixtures used by name


@pytest.fixture
def human():
    """The hidden fields a person's browser sends: an empty honeypot and a form shown a minute
    ago."""
    return {"website": "", "started": signing.dumps(time.time() - 60, salt=spam.SALT)}
