"""Conditions on a business that the app judging them does not know how to check.

ocop's participation-certificate checklist asks "no open case about the business", but cases
are feedback's, a peer ocop must not import. feedback registers the check here from its
AppConfig.ready; ocop's checklist adds every registered condition to DOST's own.

A condition is `fn(business, today)` returning (label, met), or None when it does not apply.
"""

_CONDITIONS = {}  # key -> fn, in the order registered


def register(key, condition):
    """Add (or replace, AppConfig.ready may run twice in tests) the condition named `key`."""
    _CONDITIONS[key] = condition


def rows(business, today):
    """[(label, met)] of every registered condition that applies to `business`."""
    found = (condition(business, today) for condition in _CONDITIONS.values())
    return [row for row in found if row is not None]
