"""Browser libraries built from frontend/ by `make frontend` (npm ci). They are not in git: a
machine without npm runs the site without them, and the scan screen then uses the browser's
own BarcodeDetector only (the pages say so where a camera is offered)."""

from functools import lru_cache

from django import template
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags.static import static


@lru_cache(maxsize=16)
def vendor_url(name):
    """The static URL of a built library file, or "" when it was not built."""
    if finders.find(name) is None and not staticfiles_storage.exists(name):
        return ""
    try:
        return static(name)
    except ValueError:  # built after the last collectstatic
        return ""


register = template.Library()


@register.simple_tag
def vendor_static(name):
    """{% vendor_static "txng/vendor/zxing-reader.js" %}: its URL, or "" when not built."""
    return vendor_url(name)
