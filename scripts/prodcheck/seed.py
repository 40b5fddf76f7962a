"""Run by scripts/production-check.sh through `manage.py shell` after `load_demo`: give the
accounts the smoke walk uses a real password (the demo's shared one is refused with DEBUG=0)
and write what the walk and the load bench need to $SMOKE_STATE as JSON.

For the load bench (bench/load.py): DOST officials, each with a confirmed TOTP device whose key
the bench holds (it computes the codes with django-otp's own TOTP, as an authenticator app
would; one device per official, since a code is accepted once), print orders waiting for their
approval, an API key with the capture scope for the business's capture client, and the
writers' lots (one a simulated business user, with stock for its shipments)."""

import json
import os
from datetime import timedelta

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from txng.accounts.models import Role, User
from txng.epcis import keys
from txng.stamps import actions as stamps
from txng.stamps.models import PrintOrder, Stamp, StampState
from txng.tracing import actions as tracing
from txng.tracing.models import Lot

password = os.environ["SMOKE_PASSWORD"]
owner = User.objects.get(username="business2")
owner.set_password(password)
owner.save()
order = PrintOrder.objects.filter(business=owner.organisation, lot__isnull=False).first()
stamp = order.stamps.filter(state=StampState.ACTIVATED).order_by("-serial").first()
lot = Lot.objects.get(pk=order.lot_id)
state = {
    "username": owner.username,
    "lot": lot.pk,
    "trace_code": lot.trace_code,
    "stamp_code": stamp.code,
    # The consumers scan the demo's activated stamps: people in shops scan the stamps in front
    # of them, not one stamp thousands of times (whose scan log the repeat check would read).
    "codes": list(
        Stamp.objects.filter(state=StampState.ACTIVATED)
        .order_by("pk")
        .values_list("code", flat=True)[:1000]
    ),
    "order": order.pk,
    "product": order.product_id,
}

dost = User.objects.get(username="dost")
officials = []
for n in range(1, int(os.environ.get("LOAD_OFFICIALS", "8")) + 1):
    official, _ = User.objects.get_or_create(
        username=f"load-official-{n}",
        defaults={
            "organisation": dost.organisation,
            "role": Role.OFFICER,
            "full_name": f"Cán bộ kiểm tải {n}",
            "email": f"load-official-{n}@localhost",
        },
    )
    official.set_password(password)
    official.save()
    TOTPDevice.objects.filter(user=official).delete()
    device = TOTPDevice.objects.create(user=official, name="authenticator", confirmed=True)
    officials.append({"username": official.username, "totp_key": device.key})
state["officials"] = officials

# Print orders for the officials to approve: each approval queues the task that makes the
# order's stamps, whose effect (stamps per order) the bench counts afterwards.
waiting = []
for _ in range(int(os.environ.get("LOAD_ORDERS", "300"))):
    new = PrintOrder(product_id=order.product_id, lot=None, quantity=20)
    waiting.append(stamps.submit_order(new, actor=owner).pk)
state["orders_to_approve"] = waiting

# The writers' lots: one a simulated business user, as a business keeps each harvest's diary
# on its own lot; thousands of entries on one lot in minutes would measure a page no one has.
writer_lots = []
for n in range(1, int(os.environ.get("LOAD_WRITER_LOTS", "20")) + 1):
    writer = Lot.objects.filter(business=owner.organisation, code=f"KT-{n:03d}").first()
    writer = writer or tracing.create_lot(
        actor=owner,
        product=order.product,
        code=f"KT-{n:03d}",
        quantity=1_000_000,
        time=timezone.now() - timedelta(days=1),
    )
    writer_lots.append(writer.pk)
state["writer_lots"] = writer_lots

_key, clear = keys.create_key(actor=owner, name="load bench capture", scopes=["capture", "query"])
state["api_key"] = clear
tracing.adjust_stock(
    lot,
    actor=owner,
    delta=1_000_000,
    reason="Kiểm tải: tồn kho cho các lần xuất hàng",
    time=timezone.now() - timedelta(minutes=5),
)

with open(os.environ["SMOKE_STATE"], "w") as out:
    json.dump(state, out)
print(
    "seeded",
    {
        k: v
        for k, v in state.items()
        if k not in ("officials", "orders_to_approve", "api_key", "writer_lots")
    },
    f"{len(officials)} officials, {len(waiting)} print orders waiting, {len(writer_lots)}"
    " writers' lots, a capture key",
)
