"""API keys for apps that do not own them.

Keys are epcis's (made, rotated and revoked on its pages), but national's sector API takes them
too, and national and epcis are peers that must not import each other. epcis registers its
checker here from its AppConfig.ready; an app asks `key_user(request, scope)`.

A checker is `fn(token)` returning (user, scopes) for a valid key, None for an unknown one, or
raising `Refused` (e.g. a key over its rate limit).
"""

from django.utils.translation import gettext as _

_CHECKERS = []


class Refused(Exception):
    def __init__(self, message, status=403):
        super().__init__(message)
        self.message, self.status = message, status


def register(checker):
    if checker not in _CHECKERS:
        _CHECKERS.append(checker)


def bearer(request):
    """The token of an `Authorization: Bearer …` header, or ""."""
    kind, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if kind.lower() == "bearer" else ""


def key_user(request, scope):
    """The user a request's key acts as, when the key is valid and has `scope`. Raises Refused
    for a key that is unknown, revoked, over its limit or without the scope."""
    token = bearer(request)
    for checker in _CHECKERS:
        found = checker(token)
        if found is not None:
            user, scopes = found
            if scope not in scopes:
                raise Refused(_("Khóa API này không có quyền %(s)r.") % {"s": scope})
            return user
    raise Refused(_("Khóa API không hợp lệ hoặc đã bị thu hồi."), status=401)
