"""Two reviewers deciding one revision, or a decision and a take-down, at the same moment."""

import pytest
from django.db import connection

from txng.audit.models import AuditEntry
from txng.catalog import actions
from txng.catalog.models import Product, PublicState, Revision, RevisionState
from txng.catalog.tests.helpers import draft, published
from txng.common.tests.races import assert_one_won, race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL"),
]


def test_approve_and_reject_at_once_leave_one_decision(biz_owner, dept_officer, commune_officer):
    product, rev = draft(biz_owner)
    actions.submit_revision(rev, actor=biz_owner)
    outcomes = race(
        lambda: Revision.objects.get(pk=rev.pk),
        lambda r: actions.approve_revision(r, actor=dept_officer),
        lambda r: actions.reject_revision(r, actor=commune_officer, reason="Ảnh không rõ"),
    )
    assert_one_won(outcomes)
    rev.refresh_from_db()
    product.refresh_from_db()
    decisions = AuditEntry.objects.filter(action__in=["catalog.approve", "catalog.reject"])
    assert decisions.count() == 1
    # Never "rejected" while its product went public.
    assert (rev.state == RevisionState.APPROVED) == (product.state == PublicState.PUBLISHED)


def test_two_take_downs_at_once_leave_one(biz_owner, dept_officer, commune_officer):
    product = published(biz_owner, dept_officer)
    outcomes = race(
        lambda: Product.objects.get(pk=product.pk),
        lambda p: actions.take_down_product(p, actor=dept_officer, reason="Sai nhãn"),
        lambda p: actions.take_down_product(p, actor=commune_officer, reason="Hết hạn"),
    )
    assert_one_won(outcomes)
    assert AuditEntry.objects.filter(action="catalog.take_down").count() == 1


def test_two_drafts_saved_at_once_open_one_revision(biz_owner, dept_officer):
    from txng.catalog.tests.helpers import product_data

    product = published(biz_owner, dept_officer)
    outcomes = race(
        lambda: Product.objects.get(pk=product.pk),
        lambda p: actions.save_product_draft(p, actor=biz_owner, data=product_data(brand="A")),
        lambda p: actions.save_product_draft(p, actor=biz_owner, data=product_data(brand="B")),
    )
    assert outcomes == ["won", "won"]
    assert Revision.objects.filter(product=product, state=RevisionState.DRAFT).count() == 1
