"""Links typed by people (a banner's target, a business's website) lead only to web pages.

A `javascript:` or `data:` link would run in the visitor's browser with the site's authority,
so the one validator here is used by every model and form field holding such a link, and the
`safe_link` template filter checks again at rendering (for rows stored before the check)."""

from urllib.parse import urlsplit

from django import template
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

_http = URLValidator(schemes=["http", "https"])
MESSAGE = _("Chỉ nhận liên kết http:// hoặc https:// (hoặc đường dẫn trong trang, bắt đầu bằng /).")


def is_safe_link(value, *, allow_path=True):
    value = (value or "").strip()
    if allow_path and value.startswith("/") and not value.startswith(("//", "/\\")):
        return not any(c in value for c in "\\\r\n\t")
    if urlsplit(value).scheme.lower() not in ("http", "https"):
        return False
    try:
        _http(value)
    except ValidationError:
        return False
    return True


def validate_link(value):
    """An http(s) URL or a path on this site."""
    if not is_safe_link(value):
        raise ValidationError(MESSAGE, code="unsafe_link")


def validate_web_url(value):
    """An absolute http(s) URL."""
    if not is_safe_link(value, allow_path=False):
        raise ValidationError(MESSAGE, code="unsafe_link")


register = template.Library()


@register.filter
def safe_link(value):
    """The link if it is http(s) or a path on this site, else "#"."""
    return value.strip() if is_safe_link(value) else "#"
