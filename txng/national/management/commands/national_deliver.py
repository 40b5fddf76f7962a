"""Deliver the outbox from the command line: once, or in a loop (a dedicated worker process,
which is what the kill test kills)."""

import time

from django.core.management.base import BaseCommand

from txng.national.deliver import run_once


class Command(BaseCommand):
    help = "Gửi các bản ghi đang chờ tới các hệ thống quốc gia."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, loop=False, interval=1.0, **options):
        while True:
            handled = run_once()
            if not loop:
                self.stdout.write(f"{handled}")
                return
            if not handled:
                time.sleep(interval)
