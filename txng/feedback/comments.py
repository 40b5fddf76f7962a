"""Ratings and comments: posting (anyone), moderation (the managing agencies and DOST), the
business's public reply, and the figures shown with them (average rating, reply rate and median
reply time, Cao Bằng Art. 14.3). Writes follow actions.py's rules: one transaction, a permission
check, one audit row."""

import statistics
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from txng.accounts.actions import notify
from txng.accounts.models import NotificationKind
from txng.accounts.permissions import can_manage_business, is_member, require
from txng.audit.actions import record
from txng.common.locking import lock_for_transition
from txng.feedback.audit_actions import AuditAction
from txng.feedback.models import Comment, CommentState
from txng.feedback.spam import clean_text

VERSION_KEY = "feedback:comments-version"
SUMMARY_SECONDS = 3600
VERIFIED_SCAN_DAYS = 60  # a scan this recent, from the same visitor, proves the product was held


def version():
    """Changes whenever a comment, a reply or a moderation changes what the pages show; the
    product page's ETag and the cached rating summaries include it."""
    return cache.get(VERSION_KEY) or 0


def _increment():
    cache.add(VERSION_KEY, 0, None)
    try:
        cache.incr(VERSION_KEY)  # atomic: two moderations at once both count
    except ValueError:  # evicted between add and incr
        cache.set(VERSION_KEY, 1, None)


def _bump():
    transaction.on_commit(_increment)


def scanned_here(product, code, ip_hash):
    """True when this visitor scanned a genuine stamp of this product lately."""
    from txng.stamps.models import Scan, ScanResult

    if not code or not ip_hash:
        return False
    since = timezone.now() - timedelta(days=VERIFIED_SCAN_DAYS)
    return Scan.objects.filter(
        code=code,
        stamp__order__product=product,
        ip_hash=ip_hash,
        result=ScanResult.OK,
        at__gte=since,
    ).exists()


@transaction.atomic
def post_comment(product, *, stars, body, author_name="", photo=None, stamp_code="", ip_hash=""):
    """Anyone rates a public product. It waits for moderation, or shows at once when the
    province chose post-moderation (FEEDBACK_POST_MODERATION)."""
    if not product.is_public:
        raise ValidationError(_("Sản phẩm không còn công khai."))
    body = clean_text(body)
    if not body:
        raise ValidationError({"body": _("Hãy viết nhận xét.")})
    if stars not in range(1, 6):
        raise ValidationError({"stars": _("Chọn từ 1 đến 5 sao.")})
    now = timezone.now()
    published = settings.FEEDBACK_POST_MODERATION
    comment = Comment(
        product=product,
        stars=stars,
        body=body,
        author_name=clean_text(author_name),
        verified=scanned_here(product, stamp_code, ip_hash),
        stamp_code=stamp_code,
        state=CommentState.PUBLISHED if published else CommentState.PENDING,
        published_at=now if published else None,
        ip_hash=ip_hash,
        created_at=now,
    )
    if photo:
        comment.photo = photo
    comment.full_clean(exclude=["photo", "product"])
    comment.save()
    record(None, AuditAction.COMMENT_POST, comment, keep_ip=False)
    link = reverse("feedback:comments")
    if published:
        _tell_business(comment)
        _bump()
    else:
        for agency in product.business.managers.all():
            notify(
                agency,
                _("Đánh giá mới chờ duyệt: %(p)s") % {"p": product.name},
                link,
                kind=NotificationKind.REVIEW_WAITING,
            )
    return comment


def _tell_business(comment):
    notify(
        comment.product.business,
        _("Đánh giá mới cần trả lời: %(p)s, %(n)d sao")
        % {"p": comment.product.name, "n": comment.stars},
        reverse("feedback:comments"),
        kind=NotificationKind.COMMENT_TO_ANSWER,
    )


@transaction.atomic
def approve_comment(comment, *, actor):
    require(can_manage_business(actor, comment.product.business))
    lock_for_transition(comment, (CommentState.PENDING, CommentState.HIDDEN))
    before = comment.state
    comment.state, comment.hidden_reason = CommentState.PUBLISHED, ""
    comment.moderated_by = actor
    comment.published_at = comment.published_at or timezone.now()
    comment.save()
    record(actor, AuditAction.COMMENT_APPROVE, comment, changes={"state": [before, comment.state]})
    if before == CommentState.PENDING:
        _tell_business(comment)
    _bump()
    return comment


@transaction.atomic
def hide_comment(comment, *, actor, reason):
    """Hidden comments are never public again until approved, and keep their reason."""
    require(can_manage_business(actor, comment.product.business))
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Cần nêu lý do ẩn đánh giá.")})
    lock_for_transition(comment, (CommentState.PENDING, CommentState.PUBLISHED))
    before = comment.state
    comment.state, comment.hidden_reason, comment.moderated_by = CommentState.HIDDEN, reason, actor
    comment.save()
    record(
        actor,
        AuditAction.COMMENT_HIDE,
        comment,
        changes={"state": [before, comment.state]},
        reason=reason,
    )
    _bump()
    return comment


@transaction.atomic
def reply(comment, *, actor, text):
    """The business answers a published comment publicly (once; it may correct its answer)."""
    require(is_member(actor, comment.product.business))
    text = clean_text(text)
    if not text:
        raise ValidationError({"reply": _("Hãy nhập nội dung trả lời.")})
    lock_for_transition(
        comment, (CommentState.PUBLISHED,), message=_("Đánh giá không còn hiển thị.")
    )
    first = not comment.replied_at
    comment.reply, comment.replied_by = text, actor
    if first:
        comment.replied_at = timezone.now()
    comment.save()
    record(actor, AuditAction.COMMENT_REPLY, comment)
    _bump()
    return comment


def request_version(request):
    """version(), read once per request: a page of 24 cards asks for it 24 times, and it only
    needs to be as fresh as the request."""
    if request is None:
        return version()
    found = getattr(request, "_comments_version", None)
    if found is None:
        found = request._comments_version = version()
    return found


def summary(product_id, request=None):
    """(average stars, count) of a product's public comments, cached per comments version so a
    list of 24 cards costs cache reads, not 24 aggregate queries."""
    key = f"feedback:rating:{request_version(request)}:{product_id}"
    found = cache.get(key)
    if found is None:
        row = (
            Comment.objects.public()
            .filter(product_id=product_id)
            .aggregate(avg=Avg("stars"), n=Count("pk"))
        )
        found = (round(row["avg"] or 0, 1), row["n"])
        cache.set(key, found, SUMMARY_SECONDS)
    return found


def summaries(product_ids, request=None):
    """summary() of each product, {id: (average, count)}: one cache read for them all and one
    query for those not cached."""
    ver = request_version(request)
    keys = {f"feedback:rating:{ver}:{pk}": pk for pk in product_ids}
    found = {keys[key]: value for key, value in cache.get_many(list(keys)).items()}
    missing = [pk for pk in product_ids if pk not in found]
    if missing:
        rows = (
            Comment.objects.public()
            .filter(product_id__in=missing)
            .values("product_id")
            .annotate(avg=Avg("stars"), n=Count("pk"))
            .order_by()
        )
        computed = {pk: (0, 0) for pk in missing}
        computed.update({row["product_id"]: (round(row["avg"] or 0, 1), row["n"]) for row in rows})
        cache.set_many(
            {f"feedback:rating:{ver}:{pk}": value for pk, value in computed.items()},
            SUMMARY_SECONDS,
        )
        found.update(computed)
    return found


def reply_stats(business):
    """Share of published comments the business answered, and the median time to answer."""
    rows = list(
        Comment.objects.filter(
            product__business=business, state=CommentState.PUBLISHED
        ).values_list("published_at", "replied_at")
    )
    if not rows:
        return None
    waits = [
        (replied - published).total_seconds()
        for published, replied in rows
        if replied and published
    ]
    answered = sum(1 for _p, replied in rows if replied)
    median = timedelta(seconds=statistics.median(waits)) if waits else None
    return {"rate": round(100 * answered / len(rows)), "count": len(rows), "median": median}
