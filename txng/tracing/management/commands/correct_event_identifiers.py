"""Run after `migrate` on a database with events from before the identifiers were fixed: each
event naming urn:txng:… or carrying a typed name gets a corrected copy and an error declaration
(txng/tracing/actions/identifiers.py). Safe to run again: it then corrects nothing."""

from django.core.management.base import BaseCommand

from txng.tracing.actions.identifiers import correct_stored_events


class Command(BaseCommand):
    help = "Correct stored events that use urn:txng identifiers or carry typed names."

    def handle(self, *args, **options):
        count = correct_stored_events()
        self.stdout.write(f"{count} events corrected")
