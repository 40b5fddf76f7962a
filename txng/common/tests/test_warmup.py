"""The warm-up gunicorn's master runs before it forks its workers (txng/common/warmup.py)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from txng.common import warmup

ROOT = Path(settings.BASE_DIR) / "txng"


def test_warm_up_compiles_every_template_of_txng():
    on_disk = {
        path
        for path in ROOT.rglob("*")
        if path.suffix in warmup.TEMPLATE_SUFFIXES
        and "templates" in path.relative_to(ROOT).parts
        and path.is_file()
    }
    assert len(on_disk) > 100
    assert warmup.warm_up() == len(on_disk)


def test_a_template_that_does_not_compile_stops_the_warm_up(tmp_path, settings):
    folder = tmp_path / "txng" / "templates"  # under BASE_DIR/txng: one of txng's own
    folder.mkdir(parents=True)
    (folder / "broken.html").write_text("{% if %}", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [folder], "APP_DIRS": False}]
    settings.BASE_DIR = tmp_path
    with pytest.raises(Exception, match="if"):
        warmup.warm_up()


@pytest.mark.django_db(transaction=True)
def test_warm_up_leaves_no_database_connection_for_the_forked_workers_to_share():
    connection.ensure_connection()
    warmup.warm_up()
    assert connection.connection is None
