"""The lot page's history (its timeline and its technical list), built in Python: the template
engine spent most of the business's lot page on these two loops over the latest 50 events (a
dozen tags a row, a form per row). Each value is escaped exactly as the template escaped it, and
the rules for who sees what are the template's: tests/test_lot_history.py renders the loops they
replace beside them."""

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from txng.common import formhtml
from txng.common.formatting import local_minute
from txng.common.numbers import quantity

register = template.Library()

_MARK = 987654321  # a pk no URL pattern holds otherwise: split off to fill in each row's pk


def _text(value):
    return conditional_escape(value)


def _url_around_pk(name):
    """The URL of `name` for any pk, as (before, after) the pk: reversed once per page."""
    before, after = reverse(name, args=[_MARK]).split(str(_MARK))
    return _text(before), _text(after)


def _diary_entry(event):
    try:
        return event.diary_entry
    except ObjectDoesNotExist:
        return None


def _csrf_input(context):
    # What {% csrf_token %} writes.
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


@register.simple_tag(takes_context=True)
def lot_timeline_items(context, history, own):
    """One <li> per event of the lot page's history, with the correction links and the
    declare-error forms the page's own business may use on its own events."""
    if not history:
        return format_html("<li>{}</li>", _("Chưa có sự kiện."))
    declaring, declared = _text(_("khai báo sai sót")), _text(_("đã khai báo sai"))
    user = context.get("user")
    organisation_id = getattr(user, "organisation_id", None)
    if own:
        correct_before, correct_after = _url_around_pk("tracing:diary_correct")
        declare_before, declare_after = _url_around_pk("tracing:declare_error")
        correct_label = _text(_("Sửa (khai báo sai sót và ghi bản đúng)"))
        declare_summary, reason_label = _text(_("Khai báo sai sót")), _text(_("Lý do"))
        send_label, csrf_input = _text(_("Gửi")), None
    items = []
    for e in history:
        retracted = bool(e.error_declarations.all())
        declares = e.declares_error_on_id is not None
        pills = f' <span class="pill pill-rejected">{declaring}</span>' if declares else ""
        if retracted:
            pills += f' <span class="pill pill-rejected">{declared}</span>'
        facility = f", {_text(e.facility)}" if e.facility else ""
        detail = f"<br>{_text(e.public_detail)}" if e.public_detail else ""
        note = f"<br><small>{_text(e.stock_note)}</small>" if e.stock_note else ""
        d = _diary_entry(e)
        diary = ""
        if d:
            parts = [
                f"{_text(d.person)} · " if d.person else "",
                f"{_text(quantity(d.quantity))} · " if d.quantity else "",
                f"{_text(d.input_supplier_lot)} · " if d.input_supplier_lot else "",
                _text(d.notes),
            ]
            diary = f"<br><small>{''.join(parts)}</small>"
            if d.photo:
                diary += f'<br><img src="{_text(d.photo.url)}" alt="" width="120" loading="lazy">'
        action = ""
        if own and not declares and not retracted and e.business_id == organisation_id:
            if d:
                action = f'\n<a href="{correct_before}{d.pk}{correct_after}">{correct_label}</a>'
            else:
                if csrf_input is None:  # as the tag did: the token only once a form needs it
                    csrf_input = _csrf_input(context)
                action = (
                    f'\n<details class="reveal"><summary>{declare_summary}</summary>'
                    f'<form method="post" action="{declare_before}{e.pk}{declare_after}">'
                    f'{csrf_input}<div class="field"><label for="r{e.pk}">{reason_label}</label>'
                    f'<input type="text" id="r{e.pk}" name="reason" required></div>'
                    f'<button class="btn btn-secondary">{send_label}</button></form></details>'
                )
        items.append(
            f"<li><time>{local_minute(e.event_time)}</time><strong>{_text(e.title)}</strong>{pills}\n"
            f" — {_text(e.business)}{facility}\n{detail}\n{note}\n{diary}\n"
            f"{action}\n</li>"
        )
    return mark_safe("".join(items))  # noqa: S308 - every value above is escaped


@register.simple_tag
def lot_technical_items(history):
    """One <li> per event of the history with its EPCIS eventID, for partners and inspectors."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f"<li>{local_minute(e.event_time)} · {_text(e.title)}<br>"
            f'<small class="code">{_text(e.event_id)}</small></li>'
            for e in history
        )
    )


@register.simple_tag
def form_fields(form):
    """includes/form.html for `form`; an empty one is kept per process (common/formhtml.py)."""
    return formhtml.form_fields(form)
