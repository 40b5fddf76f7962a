"""Portal content changes: articles, banners, and moderation of supply–demand posts."""

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from txng.accounts.actions import notify
from txng.accounts.models import NotificationKind, OrgKind
from txng.accounts.permissions import can_manage_business, is_dost, is_member, require
from txng.audit.actions import record
from txng.common.locking import lock_for_transition
from txng.public.audit_actions import AuditAction
from txng.public.models import POST_TRANSITIONS, PostState

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "h2", "h3", "h4",
    "blockquote", "a", "img", "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}}


def sanitise(html):
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    )


def can_write_news(user):
    """DOST, and departments for their sector (Cao Bằng Art. 11)."""
    return (
        user.is_authenticated
        and user.is_authority
        and user.organisation.root.kind in (OrgKind.DOST, OrgKind.DEPARTMENT)
    )


@transaction.atomic
def save_article(article, *, actor):
    require(can_write_news(actor))
    if article.pk is None:
        article.author_org = actor.organisation.root
    else:
        require(actor.is_dost or article.author_org_id == actor.organisation.root.pk)
    article.body = sanitise(article.body)
    is_new = article.pk is None
    article.full_clean()
    article.save()
    record(actor, AuditAction.CREATE_ARTICLE if is_new else AuditAction.EDIT_ARTICLE, article)
    return article


@transaction.atomic
def save_banner(banner, *, actor):
    require(is_dost(actor))
    is_new = banner.pk is None
    banner.full_clean()
    banner.save()
    record(actor, AuditAction.CREATE_BANNER if is_new else AuditAction.EDIT_BANNER, banner)
    return banner


@transaction.atomic
def delete_banner(banner, *, actor):
    require(is_dost(actor))
    record(actor, AuditAction.DELETE_BANNER, banner)
    banner.delete()


def _move(post, action):
    allowed_from, to_state = POST_TRANSITIONS[action]
    if post.state not in allowed_from:
        raise ValidationError(
            _("Tin đang ở trạng thái “%(state)s”, không thể thực hiện thao tác này.")
            % {"state": post.get_state_display()}
        )
    old = post.state
    post.state = to_state
    return old


@transaction.atomic
def submit_post(post, *, actor):
    """A new or edited post goes (back) to the managing agency for moderation."""
    business = actor.organisation
    require(actor.is_business and business.is_active)
    if post.pk is not None:
        require(is_member(actor, post.business))
        if post.state == PostState.REJECTED:
            _move(post, "resubmit")
        else:
            post.state = PostState.PENDING
    post.business = business
    post.reason = ""
    post.full_clean()
    post.save()
    record(actor, AuditAction.SUBMIT_POST, post)
    for agency in business.managers.all():
        notify(
            agency,
            _("Tin cung cầu chờ duyệt: %(title)s") % {"title": post},
            reverse("public:board_queue"),
            kind=NotificationKind.REVIEW_WAITING,
        )
    return post


def _moderate(post, action, *, actor, reason=""):
    require(can_manage_business(actor, post.business))
    if action != "approve" and not (reason or "").strip():
        raise ValidationError({"reason": _("Lý do: cần nêu lý do để cơ sở biết.")})
    # Of two moderators deciding at once, the second sees the first's decision and is refused.
    lock_for_transition(post)
    old = _move(post, action)
    post.reason = reason.strip()
    post.save()
    done = AuditAction(f"public.{action}_post")
    record(actor, done, post, changes={"state": [old, post.state]}, reason=reason)
    notify(
        post.business,
        _("Tin “%(title)s”: %(state)s. %(reason)s")
        % {"title": post, "state": post.get_state_display(), "reason": reason},
        reverse("public:my_posts"),
        kind=NotificationKind.REVISION_DECIDED,
    )


@transaction.atomic
def approve_post(post, *, actor):
    _moderate(post, "approve", actor=actor)


@transaction.atomic
def reject_post(post, *, actor, reason):
    _moderate(post, "reject", actor=actor, reason=reason)


@transaction.atomic
def take_down_post(post, *, actor, reason):
    _moderate(post, "take_down", actor=actor, reason=reason)


@transaction.atomic
def save_section(section, *, actor):
    require(is_dost(actor))
    is_new = section.pk is None
    section.full_clean()
    section.save()
    record(actor, AuditAction.CREATE_SECTION if is_new else AuditAction.EDIT_SECTION, section)
    return section
