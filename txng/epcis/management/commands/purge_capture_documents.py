from django.core.management.base import BaseCommand

from txng.epcis.tasks import purge_documents


class Command(BaseCommand):
    help = (
        "Drop the documents of EPCIS capture jobs finished more than EPCIS_CAPTURE_DOCUMENT_DAYS "
        "ago, keeping each job's status and errors (the task worker does it daily too)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{purge_documents()} capture job document(s) dropped")
