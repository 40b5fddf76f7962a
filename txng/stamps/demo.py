"""Demo stamps: an approved, printed order per demo lot, part of it activated onto the lot."""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from txng.accounts.models import User
from txng.stamps import actions
from txng.stamps.models import OrderState, PrintOrder, StampState
from txng.stamps.tasks import run_generation

PER_ORDER = 60
ACTIVATED = 40


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
    lots = list(
        # Only lots a business made of its own product: received lots carry the sender's product.
        Lot.objects.filter(
            business__in=ctx["businesses"],
            business__status="active",
            product__business=F("business"),
        )
        .select_related("business", "product")
        .order_by("pk")[:6]
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
    domain = ctx.get("base_url", "http://127.0.0.1:8000")
    urls = ctx.setdefault("try_urls", [])
    first = orders[0].stamps.get(serial=1)
    urls.append(("Tem đã kích hoạt", f"{domain}/q/{first.code}"))
    recalled = next((o for o in orders if getattr(o.lot, "status", "") == "recalled"), None)
    if recalled is not None:
        urls.append(("Tem trên lô bị thu hồi", f"{domain}/q/{recalled.stamps.get(serial=1).code}"))
    pending = orders[0].stamps.filter(state=StampState.PRINTED).order_by("serial").first()
    if pending is not None:
        urls.append(("Tem chưa kích hoạt", f"{domain}/q/{pending.code}"))
    ctx["stamp_orders"] = orders
