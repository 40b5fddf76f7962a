from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand


def _walk(prefix=""):
    folders, files = default_storage.listdir(prefix)
    for name in files:
        yield f"{prefix}{name}"
    for folder in folders:
        yield from _walk(f"{prefix}{folder}/")


class Command(BaseCommand):
    help = "Copy every uploaded file (disk or S3 bucket) into a folder, for scripts/backup.sh."

    def add_arguments(self, parser):
        parser.add_argument("target")

    def handle(self, *args, target, **options):
        count = size = 0
        for name in _walk():
            path = Path(target) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(name, "rb") as source, open(path, "wb") as out:
                for chunk in iter(lambda s=source: s.read(1 << 20), b""):
                    out.write(chunk)
            count, size = count + 1, size + path.stat().st_size
        self.stdout.write(f"{count} file(s), {size} bytes copied to {target}")
