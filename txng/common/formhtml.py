"""An empty form's fields as includes/form.html renders them, kept per process under everything
they show.

Django renders each widget through the template engine (about a millisecond a widget): a page
offering three empty forms on every view (the business's lot page) spent a third of its CPU on
them although they read the same for every view with the same choices. The key holds everything
the rendering reads: the form's class, prefix and ids, the language, and per field its kind,
widget, label, help text, required and disabled flags, attributes, initial value and choices
(the choices are read from the database once per request, as the rendering read them, and the
rendering uses that list). A bound form (one with errors or the user's values) is rendered
every time. Nothing per request (the CSRF token) is in the fields; the kept HTML is never
shared across processes, so a deployment with new forms starts afresh.
"""

import hashlib
from collections import OrderedDict
from threading import Lock

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

KEPT = 64  # forms a process keeps: a business's lot page holds three, whose choices vary by lot
_kept = OrderedDict()
_lock = Lock()


def _choices(choices):
    return [
        (str(value), _choices(label) if isinstance(label, list | tuple) else str(label))
        for value, label in choices
    ]


def _fingerprint(form):
    fields = []
    for name, field in form.fields.items():
        # Fixed for this request: the rendering reads the same value (a callable initial such
        # as "now" is read once) and the same choices (one query, not two).
        initial = form.get_initial_for_field(field, name)
        form.initial[name] = initial
        choices = None
        if hasattr(field, "choices"):
            # Through iter(): list() would first ask a model choice field's len(), a COUNT query.
            field.choices = list(iter(field.choices))
            choices = _choices(field.choices)
        widget = field.widget
        fields.append(
            (
                name,
                type(field).__qualname__,
                type(widget).__qualname__,
                widget.template_name,
                sorted((key, repr(value)) for key, value in widget.attrs.items()),
                str(field.label),
                str(field.help_text),
                field.required,
                field.disabled,
                field.show_hidden_initial,
                repr(initial),
                choices,
            )
        )
    return (
        type(form).__module__,
        type(form).__qualname__,
        form.prefix,
        form.auto_id,
        form.use_required_attribute,
        get_language(),
        fields,
    )


def form_fields(form, template="includes/form.html"):
    """`template` rendered for `form` (its fields, labels and errors, without <form> or token)."""
    if form.is_bound:
        return render_to_string(template, {"form": form})
    key = (template, hashlib.sha256(repr(_fingerprint(form)).encode()).hexdigest())
    with _lock:
        html = _kept.get(key)
        if html is not None:
            _kept.move_to_end(key)
            return mark_safe(html)  # noqa: S308 - rendered by the template engine below
    html = render_to_string(template, {"form": form})
    with _lock:
        _kept[key] = str(html)
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return html
