"""The kill test: real worker processes, one killed with SIGKILL while a request is in flight,
the hub emulator (its own process, loopback only) failing and then recovering. Afterwards every
outbox row was delivered exactly once by its idempotency key, in order per record."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from txng.catalog.models import Product
from txng.national import emulator
from txng.national.models import Adapter, Hub, OutboxRow, RecordType, SyncState
from txng.national.outbox import enqueue

ROOT = Path(__file__).resolve().parents[3]
DEADLINE = 90  # seconds for the whole test: bounded, whatever happens

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _call(base, path, data=None):
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(base + path, data=body, method="POST" if body else "GET")
    with urllib.request.urlopen(req, timeout=5) as resp:
        return json.loads(resp.read())


def _wait(condition, until, step=0.05):
    while time.monotonic() < until:
        if condition():
            return True
        time.sleep(step)
    return False


@pytest.fixture
def processes():
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("needs the test PostgreSQL")
    started = []
    port = _free_port()
    started.append(
        subprocess.Popen(
            [sys.executable, "-m", "txng.national.emulator", "--port", str(port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
    )
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test-only-secret"),
        "SECURE_SSL_REDIRECT": "0",
        "TXNG_HUB_NBC_CLIENT_ID": emulator.CLIENT_ID,
        "TXNG_HUB_NBC_CLIENT_SECRET": emulator.CLIENT_SECRET,
        "NATIONAL_LEASE": "2",
        "NATIONAL_RETRY_BASE": "0.2",
        "NATIONAL_RETRY_CAP": "1",
    }

    def worker():
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "national_deliver", "--loop", "--interval", "0.1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        started.append(proc)
        return proc

    assert _wait(lambda: _ok(base), time.monotonic() + 10)
    yield base, worker
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


def _ok(base):
    try:
        _call(base, "/_received")
        return True
    except OSError:
        return False


def test_every_row_is_delivered_exactly_once_across_a_kill_and_an_outage(processes, business):
    base, worker = processes
    until = time.monotonic() + DEADLINE
    hub = Hub.objects.create(
        code="nbc",
        name="NBC",
        adapter=Adapter.NBC,
        enabled=True,
        url=base + "/nbc",
        token_url=base + "/oauth/token",
        breaker_threshold=3,
        breaker_cooldown=1,
        max_attempts=1000,
    )
    products = [Product.objects.create(business=business, name=f"SP {n}") for n in range(6)]
    rows = [enqueue(hub, RecordType.PRODUCT, p.pk) for _ in range(5) for p in products]
    _call(base, "/_control", {"delay": 0.15})

    first = worker()
    # Killed while the hub has recorded a request and not yet answered it: the worker never
    # learns the outcome, so the row must be resent later under the same key.
    assert _wait(
        lambda: (
            len(_call(base, "/_received")["deliveries"]) >= 4
            and _call(base, "/_received")["in_flight"] > 0
        ),
        until,
        step=0.01,
    ), "the worker never sent"
    os.kill(first.pid, signal.SIGKILL)
    first.wait(5)
    killed_at = len(_call(base, "/_received")["deliveries"])

    _call(base, "/_control", {"mode": "fail", "delay": 0})  # the hub goes down
    second = worker()
    assert _wait(lambda: Hub.objects.get(pk=hub.pk).failures >= 3, until), "no failures seen"
    _call(base, "/_control", {"mode": "accept", "delay": 0.02})  # and comes back
    assert _wait(
        lambda: not OutboxRow.objects.exclude(state=SyncState.ACCEPTED).exists(), until, step=0.2
    ), "not everything was delivered in time"
    second.kill()

    got = _call(base, "/_received")["deliveries"]
    keys = [d["key"] for d in got]
    assert sorted(keys) == sorted(r.idempotency_key for r in rows)  # each once, none missing
    assert len(set(keys)) == len(keys) == 30
    assert any(d["times"] >= 2 for d in got), "the killed request was never resent"
    for product in products:  # in order per record
        seqs = [int(k.rsplit("-", 1)[1]) for k in keys if f"-product-{product.pk}-" in k]
        assert seqs == [1, 2, 3, 4, 5]
    assert killed_at < 30
