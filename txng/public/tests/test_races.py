"""Two moderators deciding one board post at the same moment (real concurrent transactions)."""

from datetime import date, timedelta

import pytest
from django.db import connection

from txng.audit.models import AuditEntry
from txng.common.tests.races import assert_one_won, race
from txng.public import actions
from txng.public.models import Post, PostState

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL"),
]


def _pending_post(owner):
    post = Post(
        kind="offer",
        product_name="Hạt dẻ tươi",
        quantity="5 tấn",
        contact="0912 345 678",
        expires_on=date.today() + timedelta(days=30),
    )
    return actions.submit_post(post, actor=owner)


def test_approve_and_reject_at_once_leave_one_decision(biz_owner, dept_officer, commune_officer):
    post = _pending_post(biz_owner)
    outcomes = race(
        lambda: Post.objects.get(pk=post.pk),
        lambda p: actions.approve_post(p, actor=dept_officer),
        lambda p: actions.reject_post(p, actor=commune_officer, reason="Sai số điện thoại"),
    )
    assert_one_won(outcomes)
    post.refresh_from_db()
    decisions = AuditEntry.objects.filter(action__in=["public.approve_post", "public.reject_post"])
    assert decisions.count() == 1
    assert decisions.get().changes["state"] == [PostState.PENDING, post.state]
