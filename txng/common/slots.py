"""Named places on a lower app's page where an app above it adds its part.

The product page belongs to catalog, the scan page to stamps, yet ratings (feedback), OCOP stars
(ocop) and the product passport (national) must show on them, and those apps sit above catalog
and stamps. Each such app registers a provider for a slot from its AppConfig.ready; the page
renders the slot with `{% slot "product_page.main" product=product %}` (a template builtin) and
never imports the apps that fill it.

A provider is `fn(request, **context)` and returns HTML (a str, already escaped: build it with
render_to_string or format_html), a dict (data for the page's code, collected with `collect`) or
None when it has nothing to add. A provider may also give `version()`, a value that changes
whenever what it shows may have changed, so a page with an ETag can include it. A slot rendered
once per item of a list (a card per product) may give `prefetch(request, **context)`, which a
template calls once before the list with `{% slot_prefetch "name" products=list %}`: the
provider reads what every item needs at once and keeps it on the request.
"""

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_SLOTS = {}  # slot name -> [(position, provider, version, prefetch)]


def add(slot, provider, *, position=50, version=None, prefetch=None):
    """Register `provider` for `slot`; lower positions come first. Registering twice is a no-op,
    since AppConfig.ready may run more than once in tests."""
    entries = _SLOTS.setdefault(slot, [])
    if any(entry[1] is provider for entry in entries):
        return
    entries.append((position, provider, version, prefetch))
    entries.sort(key=lambda entry: entry[0])


def collect(slot, request, **context):
    """Every provider's answer for the slot, in order, leaving out those with nothing to add."""
    answers = (entry[1](request, **context) for entry in _SLOTS.get(slot, ()))
    return [answer for answer in answers if answer is not None]


def html(slot, request, **context):
    """The slot's HTML: the providers' strings, one after the other."""
    parts = [part for part in collect(slot, request, **context) if isinstance(part, str)]
    for part in parts:
        if not isinstance(part, SafeString):
            raise TypeError(f"a provider of {slot!r} returned text that is not marked safe")
    return mark_safe("".join(parts))  # noqa: S308 - each part was checked to be safe above


def version(*slots):
    """A string that changes when anything shown in these slots may have changed."""
    # A provider of several slots often gives the same version for each: read it once.
    versions = []
    for slot in slots:
        for _pos, _fn, ver, _prefetch in _SLOTS.get(slot, ()):
            if ver is not None and ver not in versions:
                versions.append(ver)
    return "-".join(str(ver()) for ver in versions)


def prefetch(slot, request, **context):
    """Let the slot's providers read at once what each item of a list will need."""
    for _pos, _fn, _ver, fetch in _SLOTS.get(slot, ()):
        if fetch is not None:
            fetch(request, **context)


@register.simple_tag(takes_context=True)
def slot(context, name, **kwargs):
    return html(name, context.get("request"), **kwargs)


@register.simple_tag(takes_context=True)
def slot_prefetch(context, name, **kwargs):
    if context.get("request") is not None:
        prefetch(name, context["request"], **kwargs)
    return ""
