"""How much text a person may type into one field (forms and models use the same numbers).

Without a limit a visitor could post 10 MB into a board post or a dossier and every page that
shows it would weigh as much. The numbers leave generous room for real use."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SEARCH = 200  # a search box or a filter
LINE = 255  # one line: a name, a person, an address
REASON = 2000  # a reason, a note, a comment, a result
DESCRIPTION = 10_000  # a description, a list of products or stages, a post's details
ARTICLE = 100_000  # a news article's body (HTML)


def posted_text(request, name, label, max_length=REASON):
    """A text field read straight from request.POST, refused (naming the field) when too long."""
    value = request.POST.get(name, "").strip()
    if len(value) > max_length:
        raise ValidationError(
            {
                name: _("%(field)s: tối đa %(max)d ký tự (đang có %(n)d).")
                % {"field": label, "max": max_length, "n": len(value)}
            }
        )
    return value
