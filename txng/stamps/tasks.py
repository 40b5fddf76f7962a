"""Background work for print orders: make the codes, then the print files.

Progress lives in the order row (``generated``), committed together with each chunk of stamps
under a row lock. A worker killed at any point loses at most the chunk it had not committed;
whoever runs the task next (``manage.py resume_stamp_orders`` re-queues stalled orders when a
worker starts) carries on from the committed count, so serials are never skipped or repeated.

The print files are made once every stamp is committed, in a temporary directory, and saved on
the order only when complete; a worker killed while making them leaves the order generating,
and the next run makes them again from the stamps (minutes even for a million: a large order
is drawn by a pool of processes, see ``printing.write_pdf``).
"""

import os
import tempfile
import time
import zipfile
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from txng.accounts.actions import notify
from txng.accounts.models import NotificationKind
from txng.accounts.provinces import site_url
from txng.audit.actions import record
from txng.common.numbers import count
from txng.stamps import codes, printing
from txng.stamps.audit_actions import AuditAction
from txng.stamps.models import OrderState, PrintOrder, Stamp, UrlKind

FILES_PROGRESS_EVERY = 20  # pages between progress writes while making the PDF
# Below this many stamps, starting a pool of processes costs more than it saves.
PARALLEL_FROM = 5_000


def stamp_url(order, code, *, base=None):
    """What the QR holds: the short URL, or the GS1 Digital Link URI for GTIN products."""
    base = base or site_url()
    if order.url_kind == UrlKind.DIGITAL_LINK and order.product.gtin:
        gtin = order.product.gtin.zfill(14)
        lot = f"/10/{quote(order.lot.code, safe='')}" if order.lot_id else ""
        # AI 21 holds the code without its check character: only data symbols, all in GS1's
        # character set 82, and as unguessable as the code itself.
        return f"{base}/01/{gtin}{lot}/21/{code[:-1]}"
    return f"{base}/q/{code}"


@task()
def generate_order(order_id):
    run_generation(order_id)


def run_generation(order_id, *, chunk=None):
    chunk = chunk or settings.STAMP_CHUNK
    while _generate_chunk(order_id, chunk):
        if settings.STAMP_CHUNK_PAUSE:
            time.sleep(settings.STAMP_CHUNK_PAUSE)
    _write_files(order_id)


def _generate_chunk(order_id, chunk):
    """Make and commit the next chunk of stamps; False when there is nothing left to make."""
    with transaction.atomic():
        order = PrintOrder.objects.select_for_update().get(pk=order_id)
        if order.state != OrderState.GENERATING or order.generated >= order.quantity:
            return False
        first = order.generated + 1
        last = min(order.quantity, order.generated + chunk)
        for _attempt in range(5):
            stamps = [
                Stamp(order=order, serial=s, code=codes.new_code()) for s in range(first, last + 1)
            ]
            try:
                with transaction.atomic():  # a savepoint: a code collision retries this chunk
                    Stamp.objects.bulk_create(stamps, batch_size=2000)
                break
            except IntegrityError:
                continue
        else:
            raise RuntimeError(f"could not make unique codes for order {order_id}")
        order.generated = last
        order.save(update_fields=["generated", "updated_at"])
    return True


def _items(order):
    base = site_url()
    rows = (
        Stamp.objects.filter(order=order).order_by("serial").values_list("serial", "code")
    ).iterator(chunk_size=5000)
    for serial, code in rows:
        yield printing.PrintItem(serial, code, stamp_url(order, code, base=base))


def _template(order):
    return printing.Template(
        size_mm=order.size_mm,
        show_name=order.show_name,
        show_logo=order.logo.path if order.logo else None,
        show_code=order.show_code,
        layout=order.layout,
        product_name=order.product.name,
    )


def _workers(order):
    """Processes drawing the order's PDF: every core the worker may use, for a large order."""
    if order.quantity < PARALLEL_FROM:
        return 1
    return settings.STAMP_PRINT_WORKERS or printing.usable_cores()


def _write_files(order_id):
    order = PrintOrder.objects.select_related("product", "lot").get(pk=order_id)
    if order.state != OrderState.GENERATING or order.generated < order.quantity:
        return
    PrintOrder.objects.filter(pk=order.pk).update(files_done=0)
    per_page = printing.stamps_per_page(_template(order))

    def progress(done):
        if (done // per_page) % FILES_PROGRESS_EVERY == 0 or done == order.quantity:
            PrintOrder.objects.filter(pk=order.pk).update(files_done=done)

    with tempfile.TemporaryDirectory() as tmp:
        pdf_path = os.path.join(tmp, printing.PDF_NAME)
        csv_path = os.path.join(tmp, printing.CSV_NAME)
        zip_path = os.path.join(tmp, "stamps.zip")
        with open(pdf_path, "wb") as out:
            printing.write_pdf(
                _items(order), _template(order), out, progress=progress, workers=_workers(order)
            )
        with open(csv_path, "w", encoding="utf-8", newline="") as out:
            printing.write_csv(_items(order), out)
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            # The PDF's streams are compressed already: deflating it again saves under 2%.
            zf.write(pdf_path, printing.PDF_NAME, compress_type=zipfile.ZIP_STORED)
            zf.write(csv_path, printing.CSV_NAME)
        with transaction.atomic():
            order = PrintOrder.objects.select_for_update().get(pk=order_id)
            if order.state != OrderState.GENERATING:
                return
            stem = f"tem-{order.pk}"
            for field, path, ext in (
                ("pdf", pdf_path, "pdf"),
                ("csv", csv_path, "csv"),
                ("zip", zip_path, "zip"),
            ):
                with open(path, "rb") as fh:
                    getattr(order, field).save(f"{stem}.{ext}", File(fh), save=False)
            order.files_done = order.quantity
            order.state = OrderState.READY
            order.completed_at = timezone.now()
            order.save()
            record(None, AuditAction.ORDER_READY, order, changes={"state": ["generating", "ready"]})
            notify(
                order.business,
                _("Đơn in tem #%(pk)s: đã có tệp in (%(n)s tem).")
                % {"pk": order.pk, "n": count(order.quantity)},
                reverse("stamps:order", args=[order.pk]),
                kind=NotificationKind.ORDER_DECIDED,
            )


def resume_stalled(worker_id=None):
    """Queue generation again for approved orders that are not finished and not queued.

    Run when a worker starts: a worker killed mid-order leaves its task marked as running
    forever, and nothing else would pick the order up. Given the starting instance's
    `worker_id` (the units run several, each first queuing again what it left RUNNING itself:
    requeue_orphaned_tasks), a task RUNNING under another id belongs to a live instance (or to a
    dead one whose own start queues it) and its order is left alone, or a second task would draw
    its PDF beside the first. Without an id (one worker, as `make demo` runs it) a RUNNING task
    is the killed worker's own. Instances starting together take turns (a PostgreSQL advisory
    lock held until their tasks are queued), so they do not both queue the same order.
    """
    from django_tasks_db.models import DBTaskResult

    with _one_at_a_time(RESUME_LOCK):
        busy = set()
        tasks = DBTaskResult.objects.filter(
            status__in=("READY", "RUNNING"), task_path=generate_order.module_path
        )
        for status, args, workers in tasks.values_list("status", "args_kwargs", "worker_ids"):
            if status == "READY" or (worker_id and worker_id not in (workers or [])):
                busy.update(args.get("args", [])[:1])
        resumed = []
        stalled = PrintOrder.objects.filter(state=OrderState.GENERATING)
        for pk in stalled.values_list("pk", flat=True):
            if pk not in busy:
                generate_order.enqueue(pk)
                resumed.append(pk)
    return resumed


RESUME_LOCK = 7_342_001  # any constant of this app's own: the advisory lock's key


@contextmanager
def _one_at_a_time(key):
    """A session-level PostgreSQL advisory lock around the block (elsewhere nothing: the demo's
    SQLite runs one worker), released once the block's queued tasks are committed."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


@task()
def check_scan_signals():
    """The counterfeit checks over the scan log, for a scheduler that enqueues tasks (the
    check_scan_signals command does the same from cron)."""
    from txng.stamps.scans import check_signals

    return len(check_signals())


def ensure_scan_partitions(months_ahead=2):
    """This month's and the next months' partitions of the scan log (PostgreSQL only)."""
    from django.db import connection

    from txng.common.partitions import ensure_months, is_partitioned

    if not is_partitioned("stamps_scan"):
        return []
    today = timezone.localdate()
    last = today
    for _month in range(months_ahead):
        last = (last.replace(day=1) + timedelta(days=32)).replace(day=1)
    return ensure_months("stamps_scan", "at", today, last, using=connection)


@task()
def create_scan_partitions():
    """For a scheduler that enqueues tasks; the ensure_partitions command does the same."""
    return ensure_scan_partitions()
