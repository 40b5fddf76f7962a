"""Do once, before gunicorn forks its workers, what each worker would otherwise do on its first
requests: import every view through the URLconf, build the URL reverse tables of each language,
compile every template of txng, and each app's own one-off work (an AppConfig's `warm_up()`,
e.g. the EPCIS schema's compiled validator).

deploy/gunicorn.conf.py calls it from `when_ready` with `preload_app`, so every worker (at
start, after `max_requests`, or the one started in place of a killed worker) is forked warm.
Measured in scripts/production-check.sh's load (docs/scale.md): a cold worker spent 420–730 ms
of CPU on its first request and ~1.1 s on its first 20 (a median request: 5 ms); eight of them
starting together held both cores for seconds, and every request of those seconds waited.

Nothing here opens a database or cache connection that a forked worker would share: the
database connections that anything might have opened are closed at the end."""

import logging
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.template import engines
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)

TEMPLATE_SUFFIXES = (".html", ".txt", ".xml", ".svg")


def warm_up():
    started = time.process_time()
    resolver = get_resolver()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            resolver.reverse_dict  # noqa: B018 (builds this language's reverse table)
    templates = 0
    for name in txng_template_names():
        get_template(name)
        templates += 1
    for config in apps.get_app_configs():
        if hasattr(config, "warm_up"):
            config.warm_up()
    connections.close_all()
    logger.info(
        "warmed up: URLconf, %d templates, app warm-ups in %.0f ms of CPU",
        templates,
        (time.process_time() - started) * 1000,
    )
    return templates


def txng_template_names():
    """The names of txng's own templates (its template folders, not those of installed
    libraries), as `get_template` takes them."""
    root = Path(settings.BASE_DIR) / "txng"
    names = set()
    for engine in engines.all():
        for folder in getattr(engine, "template_dirs", ()):
            folder = Path(folder)
            if not folder.is_relative_to(root):
                continue
            names.update(
                path.relative_to(folder).as_posix()
                for path in folder.rglob("*")
                if path.suffix in TEMPLATE_SUFFIXES and path.is_file()
            )
    return sorted(names)
