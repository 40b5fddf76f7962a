"""The one shape of "who may do what to which rows" (in the spirit of NetBox's
`RestrictedQuerySet.restrict(user, action)`).

Every model whose rows depend on who asks has a queryset deriving from RestrictedQuerySet; views
and the API read through `restrict(user, action)` or `get_visible_or_404`, and never filter by
role themselves. A queryset states each action it allows as a method `<action>_rule(user)`;
"view" is the app's `visible_to(user)`. An action a queryset does not state is a programming
error, not an empty list, so a misspelt action cannot quietly hide or show rows.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

ACTIONS = ("view", "change", "manage")


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action="view"):
        """The rows `user` may `action`: "view" (read), "change" (edit as the owner),
        "manage" (approve, take down, lock: the managing authorities)."""
        rule = getattr(self, f"{action}_rule", None)
        if action not in ACTIONS or rule is None:
            raise ValueError(f"{self.model.__name__} has no access rule for {action!r}")
        return rule(user)

    def view_rule(self, user):
        return self.visible_to(user)

    def visible_to(self, user):
        return self.none()


class AuthorityDataQuerySet(RestrictedQuerySet):
    """Province-wide rows every official reads and DOST alone manages (OCOP score sheets,
    reporting periods)."""

    def visible_to(self, user):
        return self.all() if user.is_authenticated and user.is_authority else self.none()

    def manage_rule(self, user):
        return self.all() if user.is_authenticated and user.is_dost else self.none()


def get_visible_or_404(queryset, user, action="view", **lookup):
    """The one object `user` may `action` matching `lookup`, else 404 (never 403: an outsider
    does not learn that the object exists)."""
    if isinstance(queryset, models.Manager):
        queryset = queryset.all()
    if not isinstance(queryset, RestrictedQuerySet):
        raise TypeError(f"{queryset.model.__name__}'s queryset has no access rule (restrict)")
    return get_object_or_404(queryset.restrict(user, action), **lookup)


# The user's role properties (accounts.User); common needs no import of accounts to read them.
ROLE_TESTS = {
    "business": lambda user: user.is_business,
    "owner": lambda user: user.is_owner,
    "authority": lambda user: user.is_authority,
    "dost": lambda user: user.is_dost,
}


def role_required(*roles):
    """Which pages a role may open (which objects is the queryset's `restrict`): a visitor who
    has not signed in goes to the login page, a signed-in user of another role gets 403."""
    tests = [ROLE_TESTS[role] for role in roles]

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not any(test(request.user) for test in tests):
                raise PermissionDenied(_("Trang này dành cho vai trò khác."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
