"""Prints the pages bench/lighthouse.sh measures, one "name URL-path cookie" line each, from
the demo data. The cookie ("-": none) is a session of a demo business, for its diary, receipt
and activation pages. Run with the demo's settings: DEBUG=1 python bench/lighthouse_pages.py"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "txng.settings")

import django  # noqa: E402

django.setup()

from importlib import import_module  # noqa: E402

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.urls import reverse  # noqa: E402

from txng.accounts.models import User  # noqa: E402
from txng.catalog.models import Product  # noqa: E402
from txng.stamps.models import Stamp, StampState  # noqa: E402
from txng.tracing.models import Lot, Shipment  # noqa: E402


def cookie(user):
    """A logged-in session of `user`, as a Cookie header value."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


user = User.objects.get(username="business")
stamp = Stamp.objects.filter(state=StampState.ACTIVATED, lot__isnull=False).first()
product = Product.objects.get(pk=stamp.order.product_id)
lot = Lot.objects.filter(business=user.organisation).exclude(status="recalled").first()
owner = cookie(user)
pages = [
    ("home", reverse("public:home"), "-"),
    ("scan", reverse("stamps:scan", args=[stamp.code]), "-"),
    ("app", reverse("pwa:home"), "-"),
    ("trace", reverse("tracing:public_lot", args=[stamp.lot.trace_code]), "-"),
    ("product", product.get_absolute_url(), "-"),
    ("diary", reverse("tracing:lot", args=[lot.pk]), owner),
    ("activation", reverse("stamps:activate"), owner),
]
# The receipt page of a shipment, seen by someone of the business that receives it.
shipment = Shipment.objects.filter(receiver__isnull=False).order_by("-state", "pk").first()
receiver = shipment and User.objects.filter(organisation=shipment.receiver_id).first()
if receiver is not None:
    pages.append(("receipt", reverse("tracing:confirm", args=[shipment.pk]), cookie(receiver)))
for name, path, login in pages:
    print(name, path, login)
