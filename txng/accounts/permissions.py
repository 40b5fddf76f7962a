"""Who may act on what. Actions call these; views never test roles themselves."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require(condition, message=None):
    if not condition:
        raise PermissionDenied(message or _("Bạn không có quyền thực hiện thao tác này."))


def is_dost(user):
    return user.is_authenticated and user.is_dost


def is_authority(user):
    return user.is_authenticated and user.is_authority


def can_manage_business(user, business):
    """DOST, or an official of one of the business's managing agencies."""
    return is_authority(user) and business.can_be_managed_by(user.organisation)


def is_member(user, organisation):
    return user.is_authenticated and user.organisation_id == organisation.pk


def is_owner_of(user, business):
    return is_member(user, business) and user.is_owner


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
