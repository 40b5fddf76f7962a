"""Load demo data for the configured province. Safe to run again: nothing is duplicated.

Each app may have a `demo.py` with `load(ctx)`; they run in the order of DEMO_ORDER, sharing
`ctx` (a dict) so later apps can use what earlier ones made.
"""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from txng.accounts import provinces

DEMO_ORDER = [
    "accounts",
    "enrolment",
    "catalog",
    "tracing",
    "stamps",
    "public",
    "feedback",
    "ocop",
    "reports",
    "national",
]


class Command(BaseCommand):
    help = "Load demo data (DOST, departments, communes, businesses, dossiers, ...)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where the demo will be served: the URLs to try and the QR stamps point there.",
        )

    def handle(self, *args, **options):
        self.base_url = options["base_url"].rstrip("/")
        # The demo's stamps point at the demo itself, so a printed one scans on a real phone.
        settings.SITE_DOMAIN = self.base_url
        if not settings.DEBUG:
            raise CommandError("Demo data uses a shared password; run it only with DEBUG=1.")
        # Demo accounts get passwords directly; keep their activation mails off the console.
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        ctx = {"province": provinces.current(), "log": self.stdout.write}
        for app in DEMO_ORDER:
            name = f"txng.{app}.demo"
            if find_spec(name) is None:
                continue
            with transaction.atomic():
                import_module(name).load(ctx)
        self.print_summary(ctx)

    def print_summary(self, ctx):
        province = ctx["province"]
        out = self.stdout.write
        out("")
        out(f"txng demo — {province.name}")
        out(f"Demo logins (password: {settings.DEMO_PASSWORD}):")
        for username, what in ctx.get("logins", []):
            out(f"  {username:<12} {what}")
        if ctx.get("try_urls"):
            out("Try:")
        for title, url in ctx.get("try_urls", []):
            out(f"  {title}: {self.base_url + url if url.startswith('/') else url}")
