"""Demo stamps: an approved, printed order per demo lot, part of it activated onto the lot, and
two weeks of consumer scans on them (one stamp scanned often enough to raise a signal)."""

import random
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from txng.accounts.models import User
from txng.stamps import actions, scans
from txng.stamps.models import OrderState, PrintOrder, Scan, ScanResult, Stamp, StampState
from txng.stamps.tasks import run_generation

PER_ORDER = 60
ACTIVATED = 40
SCAN_DAYS = 14
# Where and with what the demo's consumers scan: (province, weight), (browser, weight).
SCAN_PLACES = [("Cao Bằng", 6), ("Hà Nội", 3), ("Lạng Sơn", 2), ("TP. Hồ Chí Minh", 1), ("", 2)]
SCAN_BROWSERS = [("Zalo", 5), ("Chrome", 4), ("Safari", 2), ("Cốc Cốc", 1)]


def _fallback_lot(business):
    """Only when no catalog/tracing demo made lots: one product and lot so stamps have a home."""
    from txng.catalog.models import Product
    from txng.tracing.models import Lot

    product = Product.objects.filter(business=business).first()
    if product is None:
        product = Product.objects.create(business=business, name="Hạt dẻ Trùng Khánh")
    today = timezone.localdate()
    lot, _ = Lot.objects.get_or_create(
        business=business,
        product=product,
        code="HD-DEMO-01",
        defaults={
            "production_date": today - timedelta(days=20),
            "expiry_date": today + timedelta(days=200),
        },
    )
    return lot


def _order_for(lot, owner, dost_admin):
    order = PrintOrder.objects.filter(business=lot.business, lot=lot).first()
    if order is None:
        order = actions.submit_order(
            PrintOrder(
                business=lot.business,
                product=lot.product,
                lot=lot,
                quantity=PER_ORDER,
                note="Đơn in tem mẫu",
            ),
            actor=owner,
        )
    if order.state == OrderState.SUBMITTED:
        actions.approve_order(order, actor=dost_admin, note="Duyệt đơn mẫu")
    if order.state != OrderState.READY:
        run_generation(order.pk)
        order.refresh_from_db()
    if order.stamps.filter(state=StampState.GENERATED).exists():
        actions.record_download(order, "pdf", actor=owner)
    if not order.stamps.filter(state=StampState.ACTIVATED).exists():
        actions.activate_range(order, 1, ACTIVATED, lot, actor=owner)
    return order


def load(ctx):
    from txng.tracing.models import Lot

    dost_admin = User.objects.filter(organisation=ctx["dost"]).order_by("pk").first()
    # Stamps are ordered by the producer: only lots a business made of its own products.
    named = ctx.get("lots", {})
    lots = [named.get("active"), named.get("recalled"), named.get("raw")]
    lots = [lot for lot in lots if lot is not None and lot.product.business_id == lot.business_id]
    if not lots:
        lots = list(
            Lot.objects.filter(
                business__in=ctx["businesses"],
                business__status="active",
                product__business=F("business"),
            ).order_by("pk")[:1]
        )
    if not lots:
        lots = [_fallback_lot(ctx["businesses"][0])]
    orders = []
    for lot in lots:
        owner = User.objects.filter(organisation=lot.business, role="owner").first()
        if owner is None or dost_admin is None:
            continue
        orders.append(_order_for(lot, owner, dost_admin))
    if not orders:
        return
    urls = ctx.setdefault("try_urls", [])
    first = orders[0].stamps.get(serial=1)
    urls.append(("Tem đã kích hoạt", f"/q/{first.code}"))
    recalled = next((o for o in orders if o.lot.active_recall is not None), None)
    if recalled is not None:
        urls.append(("Tem trên lô bị thu hồi", f"/q/{recalled.stamps.get(serial=1).code}"))
    pending = orders[0].stamps.filter(state=StampState.PRINTED).order_by("serial").first()
    if pending is not None:
        urls.append(("Tem chưa kích hoạt", f"/q/{pending.code}"))
    ctx["stamp_orders"] = orders
    for i, order in enumerate(orders):
        _sample_scans(order, busy_stamp=i == 0)


def _pick(rng, weighted):
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _sample_scans(order, *, busy_stamp):
    """Two weeks of scans of the order's activated stamps, so the statistics pages have
    something to show; with `busy_stamp`, serial 2 is scanned past the signal threshold."""
    if Scan.objects.filter(business=order.business).exists():
        return  # a demo loaded before: its scans stay as they are
    rng = random.Random(order.pk)
    now = timezone.now()
    activated = list(order.stamps.filter(state=StampState.ACTIVATED).order_by("serial"))
    counts = {stamp: rng.randint(0, 3) for stamp in activated[:25]}
    if busy_stamp and len(activated) > 1:
        counts[activated[1]] = settings.STAMP_SCAN_THRESHOLD + 5
    rows = []
    for stamp, n in counts.items():
        for _ in range(n):
            at = now - timedelta(days=rng.uniform(0, SCAN_DAYS))
            rows.append((at, stamp))
    Scan.objects.bulk_create(
        Scan(
            at=at,
            code=stamp.code,
            stamp=stamp,
            business_id=order.business_id,
            product_id=order.product_id,
            result=ScanResult.OK,
            ip_hash=f"demo{rng.randint(1, 40):028d}",
            ua_family=_pick(rng, SCAN_BROWSERS),
            province=_pick(rng, SCAN_PLACES),
        )
        for at, stamp in sorted(rows, key=lambda row: row[0])
    )
    for stamp, n in counts.items():
        if n:
            first = min(at for at, scanned in rows if scanned == stamp)
            Stamp.objects.filter(pk=stamp.pk).update(scan_count=n, first_scanned_at=first)
    scans.check_signals(hours=24 * SCAN_DAYS)
