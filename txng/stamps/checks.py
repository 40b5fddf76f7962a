"""System checks for what the scan path needs from the deployment."""

from django.conf import settings
from django.core import checks

PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.LocMemCache",)


@checks.register(checks.Tags.caches, deploy=False)
def shared_cache(app_configs, **kwargs):
    """With DEBUG off there are several worker processes: a cache in each one's memory would
    keep serving what another process has changed (version tokens, scan page frames) and would
    count rate limits per process."""
    if settings.DEBUG:
        return []
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in PER_PROCESS_CACHES:
        return [
            checks.Error(
                "The default cache is per-process memory while DEBUG is off.",
                hint="Set CACHE_URL=redis://... (or REDIS_URL), or CACHE_URL=db://txng_cache "
                "and run `manage.py createcachetable`; see docs/deploy.md.",
                id="txng.E001",
            )
        ]
    return []
