"""Who may act on what. Actions call these; views never test roles themselves."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from txng.common.access import role_required  # noqa: F401 (views import it from here)


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
