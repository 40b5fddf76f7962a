"""A real `manage.py db_worker` killed in the middle of an order, then restarted."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from txng.stamps import actions
from txng.stamps.models import OrderState, PrintOrder

pytestmark = pytest.mark.django_db(transaction=True)

QUANTITY = 1_200
ROOT = Path(__file__).resolve().parents[3]


def _env():
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        STAMP_CHUNK="40",
        STAMP_CHUNK_PAUSE="0.05",
        DEBUG="0",
        SECRET_KEY=settings.SECRET_KEY,
        LOG_LEVEL="WARNING",
    )
    return env


def _manage(*args, **kwargs):
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=_env(),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        **kwargs,
    )


def _wait(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        order = PrintOrder.objects.get()
        if predicate(order):
            return order
        time.sleep(0.05)
    raise AssertionError(f"timed out; order at {PrintOrder.objects.get().generated}")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs the test PostgreSQL")
def test_killed_worker_restarted_completes_order_without_gaps(biz_owner, dost_admin, product):
    order = actions.submit_order(PrintOrder(product=product, quantity=QUANTITY), actor=biz_owner)
    actions.approve_order(order, actor=dost_admin)
    worker = _manage("db_worker", "--interval", "0.1", "--no-startup-delay")
    try:
        mid = _wait(lambda o: 0 < o.generated < QUANTITY // 2, timeout=60)
        worker.send_signal(signal.SIGKILL)  # no chance to clean up, like a lost machine
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    time.sleep(0.3)
    stalled = PrintOrder.objects.get()
    assert stalled.state == OrderState.GENERATING and stalled.generated >= mid.generated
    assert stalled.generated < QUANTITY
    assert stalled.stamps.count() == stalled.generated  # only whole committed chunks

    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "resume_stamp_orders"],
        env=_env(),
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    worker = _manage("db_worker", "--interval", "0.1", "--no-startup-delay")
    try:
        done = _wait(lambda o: o.state == OrderState.READY, timeout=240)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    serials = list(done.stamps.order_by("serial").values_list("serial", flat=True))
    assert serials == list(range(1, QUANTITY + 1))
    assert done.stamps.values("code").distinct().count() == QUANTITY
    assert done.pdf and done.csv and done.zip
    with done.csv.open("rb") as fh:
        assert sum(1 for _ in fh) == QUANTITY + 1
