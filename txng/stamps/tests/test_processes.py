"""The scan page across processes: what one process changes, every other shows on its next scan.

A gunicorn process serves the project against the test database and the same shared cache
(the database cache, as in a production set-up without Redis); this test's own process makes
the change and scans too.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from txng.catalog import actions as catalog_actions

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def other_process():
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("needs the test PostgreSQL")
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test-only-secret"),
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    env.pop("CACHE_URL", None)
    env.pop("REDIS_URL", None)
    gunicorn = [sys.executable, "-m", "gunicorn", "txng.wsgi", "--workers", "1"]
    proc = subprocess.Popen(
        [*gunicorn, "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(proc.stderr.read().decode())
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(10)


def _get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def test_an_approved_rename_shows_everywhere_on_the_next_scan_in_every_process(
    other_process, client, stamps, product, biz_owner, dept_officer
):
    url = f"/q/{stamps[0].code}"
    for page in (_get(other_process + url), client.get(url).content.decode()):
        assert "<h2>Hạt dẻ Trùng Khánh</h2>" in page  # each process has the frame cached

    data = {**catalog_actions.product_data(product), "name": "Hạt dẻ rang củi Trùng Khánh"}
    rev = catalog_actions.save_product_draft(product, actor=biz_owner, data=data)
    # Not approved yet: no process shows the new name.
    assert "rang củi" not in _get(other_process + url)

    catalog_actions.submit_revision(rev, actor=biz_owner)
    catalog_actions.approve_revision(rev, actor=dept_officer)  # in this process
    for page in (_get(other_process + url), client.get(url).content.decode()):
        assert "<title>Hạt dẻ rang củi Trùng Khánh" in page
        assert "<h2>Hạt dẻ rang củi Trùng Khánh</h2>" in page
        assert "<h2>Hạt dẻ Trùng Khánh</h2>" not in page
