"""Run by scripts/production-check.sh through `manage.py shell` after `load_demo`: give the
accounts the smoke walk uses a real password (the demo's shared one is refused with DEBUG=0)
and write what the walk needs to $SMOKE_STATE as JSON."""

import json
import os

from txng.accounts.models import User
from txng.stamps.models import PrintOrder, StampState
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
    "order": order.pk,
    "product": order.product_id,
}
with open(os.environ["SMOKE_STATE"], "w") as out:
    json.dump(state, out)
print("seeded", state)
