"""Serve the demo: the development server plus a task worker in the background."""

import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the development server and a db_worker for background tasks."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        worker = subprocess.Popen([sys.executable, "manage.py", "db_worker"])  # noqa: S603
        try:
            call_command("runserver", options["addrport"], use_reloader=False)
        finally:
            worker.terminate()
