"""Every change the resolver makes: DOST's delegations of GS1 prefixes to other resolvers."""

from django.db import transaction

from txng.accounts.permissions import is_dost, require
from txng.audit.actions import diff, record, snapshot
from txng.resolver.audit_actions import AuditAction
from txng.resolver.models import Delegation

FIELDS = ("prefix", "resolver_url", "name")


@transaction.atomic
def save_delegation(delegation, *, actor):
    require(is_dost(actor))
    before = {}
    if delegation.pk:
        before = snapshot(Delegation.objects.select_for_update().get(pk=delegation.pk), FIELDS)
    delegation.full_clean()
    delegation.save()
    record(
        actor,
        AuditAction.SAVE_DELEGATION,
        delegation,
        changes=diff(before, snapshot(delegation, FIELDS)),
    )
    return delegation


@transaction.atomic
def delete_delegation(delegation, *, actor):
    require(is_dost(actor))
    record(
        actor,
        AuditAction.DELETE_DELEGATION,
        delegation,
        changes={name: [value, None] for name, value in snapshot(delegation, FIELDS).items()},
    )
    delegation.delete()
