"""API-key authentication for /epcis/ (and the scopes each endpoint needs)."""

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from txng.common.api_keys import Refused
from txng.epcis.keys import count_use, key_for
from txng.epcis.problems import Problem


def rate_limit():
    return getattr(settings, "API_KEY_RATE_LIMIT", 600)  # requests a minute per key


class KeyAuth(HttpBearer):
    """`Authorization: Bearer txng_…`. The request then acts as the key's maker, so every
    permission-aware queryset applies to it unchanged."""

    def authenticate(self, request, token):
        key = key_for(token)
        if key is None:
            return None
        if count_use(key, limit=rate_limit()):
            raise Problem(
                "SecurityException",
                f"Khóa đã gửi quá {rate_limit()} yêu cầu trong một phút; hãy thử lại sau.",
                429,
            )
        request.api_key = key
        request.user = key.created_by
        return key


def need(request, scope):
    key = getattr(request, "api_key", None)
    if key is None or scope not in key.scopes:
        raise Problem("SecurityException", f"Khóa API này không có quyền {scope!r}.", 403)
    return key


def check_for_other_apps(clear):
    """The checker epcis gives txng.common.api_keys (national's sector API): (user, scopes) of
    a valid key, rate limited as on /epcis/."""
    key = key_for(clear)
    if key is None:
        return None
    if count_use(key, limit=rate_limit()):
        raise Refused(_("Khóa đã gửi quá %(n)s yêu cầu trong một phút.") % {"n": rate_limit()}, 429)
    return key.created_by, list(key.scopes)
