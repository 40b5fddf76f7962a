"""The audit actions of every app. Each app declares `AuditAction(TextChoices)` in its
audit_actions.py (code stored in the log, name officials read) and registers it from its
AppConfig.ready with `register(AuditAction, GROUP)`; audit imports no app above it."""

from enum import Enum

from django.utils.translation import gettext_lazy as _

# Registered classes in registration order, with each one's group name for the log's filter.
_GROUPS = {}


def register(actions, group):
    _GROUPS[actions] = group


def is_registered(action):
    return isinstance(action, Enum) and type(action) in _GROUPS


def _all():
    for actions in _GROUPS:
        yield from actions


def label(code):
    """The name of a stored action code; an unknown code (from an older release) as it is."""
    for action in _all():
        if action.value == code:
            return action.label
    return code


def choices():
    """For a filter: each app (all its actions), then its actions by name."""
    out = []
    for actions, name in _GROUPS.items():
        prefix = next(iter(actions)).value.split(".")[0] + "."
        own = sorted(((a.value, str(a.label)) for a in actions), key=lambda item: item[1])
        out.append((str(name), [(prefix, _("%(group)s: tất cả") % {"group": name}), *own]))
    return out
