"""The figures on the workspace's front page. Each app registers its own `tiles(user)` from its
AppConfig.ready, so accounts, which shows them, imports none of the apps above it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from txng.accounts.models import Organisation

_PROVIDERS = []  # (position, tiles function)


def register(tiles, position):
    """`tiles(user)` returns [(count, label, url), ...]; lower positions come first."""
    if all(fn is not tiles for _pos, fn in _PROVIDERS):
        _PROVIDERS.append((position, tiles))
        _PROVIDERS.sort(key=lambda item: item[0])


def own_tiles(user):
    if not user.is_authority:
        return []
    return [
        (
            Organisation.objects.managed_by(user.organisation).count(),
            _("cơ sở thuộc phạm vi quản lý"),
            reverse("accounts:organisations") + "?kind=business",
        )
    ]


def tiles(user):
    out = []
    for _position, provider in _PROVIDERS:
        out += provider(user)
    return out
