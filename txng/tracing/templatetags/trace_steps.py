"""The items of a public timeline, built in Python: a lot's diary may hold hundreds of stages,
and the template engine spent most of a trace page's time on this one loop (a stage's values
are plain text from the database: each is escaped exactly as the template escaped it)."""

from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _text(value):
    return escape(str(value))


@register.simple_tag
def timeline_items(steps):
    """One <li> per step of tracing.queries.public_timeline, as _public_timeline.html shows it."""
    place_label, code_label = _text(_("Địa điểm")), _text(_("Mã địa điểm"))
    trace_label = _text(_("Mã truy vết"))
    unrecorded = f'<span class="muted">{_text(_("chưa ghi"))}</span>'
    items = []
    for s in steps:
        local = timezone.localtime(s.time)
        warning = ' class="warning"' if s.warning else ""
        receiver = f" → {_text(s.receiver)}" if s.receiver else ""
        detail = f"<br>{_text(s.detail)}" if s.detail and not s.receiver else ""
        place = f"<br><small>{place_label}: {_text(s.place)}</small>" if s.place else ""
        code = f'<span class="code">{_text(s.place_code)}</span>' if s.place_code else unrecorded
        items.append(
            f'<li{warning}><time datetime="{local.isoformat()}">{local:%d/%m/%Y %H:%M}</time>'
            f" <strong>{_text(s.title)}</strong> — {_text(s.business)}{receiver}\n{detail}\n"
            f"{place}\n<br><small>{code_label}: {code}\n"
            f'· {trace_label}: <span class="code">{_text(s.trace_code)}</span></small></li>'
        )
    return mark_safe("".join(items))  # noqa: S308 - every value above is escaped
