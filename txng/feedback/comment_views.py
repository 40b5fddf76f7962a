"""Ratings and comments: the public form, the photo of a public comment, the moderation and
reply list in the workspace."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from txng.catalog.models import Product
from txng.common.access import get_visible_or_404
from txng.common.forms import save_form
from txng.common.http import client_ip
from txng.common.ratelimit import hit, rate_limited
from txng.common.uploads import file_response
from txng.feedback import comments as actions
from txng.feedback.forms import CommentForm, ReasonForm, ReplyForm
from txng.feedback.models import Comment, CommentState
from txng.stamps import codes
from txng.stamps.scans import hash_ip

PRODUCT_LIMIT = 30  # comments an hour on one product, from all visitors together


@rate_limited("comment", limit=5, seconds=3600, methods=("POST",))
def rate(request, pk):
    product = get_object_or_404(Product.objects.published().select_related("business"), pk=pk)
    code = codes.normalise(request.GET.get("ma", ""))[:40]
    if request.method == "POST" and hit(f"comment-product:{pk}", limit=PRODUCT_LIMIT, seconds=3600):
        return HttpResponse(
            _("Sản phẩm này đang nhận quá nhiều đánh giá. Vui lòng thử lại sau."), status=429
        )
    form = CommentForm(request.POST or None, request.FILES or None)
    saved = save_form(
        request,
        form,
        lambda: actions.post_comment(
            product,
            stars=form.cleaned_data["stars"],
            body=form.cleaned_data["body"],
            author_name=form.cleaned_data["author_name"],
            photo=form.cleaned_data.get("photo"),
            stamp_code=code,
            ip_hash=hash_ip(client_ip(request)),
        ),
    )
    if saved:
        if saved.result.state == CommentState.PUBLISHED:
            messages.success(request, _("Cảm ơn bạn đã đánh giá."))
        else:
            messages.success(request, _("Cảm ơn bạn. Đánh giá sẽ hiển thị sau khi được duyệt."))
        return redirect(product.get_absolute_url() + "#danh-gia")
    return render(request, "feedback/rate.html", {"form": form, "product": product, "code": code})


def photo(request, pk):
    """A comment's photo: anyone once the comment is public, otherwise those who moderate it."""
    comment = Comment.objects.public().filter(pk=pk).first()
    if comment is None and request.user.is_authenticated:
        comment = Comment.objects.visible_to(request.user).filter(pk=pk).first()
    if comment is None or not comment.photo:
        raise Http404
    return file_response(comment.photo)


@login_required
def comments(request):
    qs = Comment.objects.visible_to(request.user).select_related("product", "product__business")
    if not (request.user.is_authority or request.user.is_business):
        raise PermissionDenied
    default = CommentState.PENDING if request.user.is_authority else "unanswered"
    state = request.GET.get("state", default)
    if state == "unanswered":
        qs = qs.filter(state=CommentState.PUBLISHED, replied_at__isnull=True)
    elif state in CommentState.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/comments.html",
        {"page": page, "state": state, "states": CommentState.choices},
    )


@login_required
@require_POST
def comment_act(request, pk, action):
    comment = get_visible_or_404(Comment.objects, request.user, pk=pk)
    if action == "reply":
        form = ReplyForm(request.POST)
        run = lambda: actions.reply(comment, actor=request.user, text=form.cleaned_data["reply"])  # noqa: E731
        message = _("Đã đăng câu trả lời.")
    elif action == "hide":
        form = ReasonForm(request.POST)
        run = lambda: actions.hide_comment(  # noqa: E731
            comment, actor=request.user, reason=form.cleaned_data["reason"]
        )
        message = _("Đã ẩn đánh giá.")
    elif action == "approve":
        form = ReasonForm({"reason": "-"})
        run = lambda: actions.approve_comment(comment, actor=request.user)  # noqa: E731
        message = _("Đã duyệt đánh giá.")
    else:
        raise PermissionDenied
    try:
        saved = save_form(request, form, run, message)
    except ValidationError as exc:
        saved = None
        messages.error(request, " ".join(exc.messages))
    if not saved:
        errors = [str(e) for errs in form.errors.values() for e in errs]
        messages.error(request, " ".join(errors) or _("Chưa thực hiện được."))
    return redirect("feedback:comments")
