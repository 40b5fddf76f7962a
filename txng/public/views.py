import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Min, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from txng.accounts.models import Organisation, OrgStatus
from txng.accounts.permissions import role_required
from txng.catalog.cache import CATALOG_VERSION
from txng.catalog.models import Category, Product
from txng.catalog.search import CappedPaginator
from txng.catalog.text import normalise
from txng.common import health, pagecache, slots
from txng.common.access import get_visible_or_404
from txng.common.forms import save_form
from txng.public import actions, finders
from txng.public.cache import NEWS_VERSION
from txng.public.forms import (
    ArticleForm,
    BannerForm,
    BoardFilterForm,
    PostForm,
    ReasonForm,
    SearchForm,
)
from txng.public.models import Article, Banner, Post, PostState, Section
from txng.tracing.cache import TRACE_VERSION
from txng.tracing.models import Lot, Recall, RecallLot, RecallState

logger = logging.getLogger(__name__)


def privacy(request):
    """What personal data the system keeps, why, for how long, and how to exercise one's rights
    (Law on Personal Data Protection 91/2025/QH15)."""
    return render(
        request,
        "public/privacy.html",
        {
            "ip_days": settings.VISITOR_IP_DAYS,
            "contact_email": settings.CONTACT_EMAIL,
            "contact_phone": settings.CONTACT_PHONE,
        },
    )


def _subtree(children, root):
    """`root` and every category under it, from a {parent: [children]} map."""
    ids, frontier = [root], [root]
    while frontier:
        frontier = [child for pk in frontier for child in children.get(pk, ())]
        ids += frontier
    return ids


# What the home page and search results show beside the catalogue: the product cards' badges
# (ratings, OCOP stars) have their own versions, and OCOP stars lapse by date.
def _cards_key():
    return (slots.version("product_card.badges"), timezone.localdate())


def home(request):
    """The same page for every anonymous visitor, kept in the shared cache until the catalogue,
    the news, a recall (the trace version) or the product cards' badges change."""
    page = pagecache.render_framed(
        request,
        "public/home.html",
        lambda _tokens: _home_context(),
        key=("public:home", get_language(), *_cards_key()),
        versions=[CATALOG_VERSION, NEWS_VERSION, TRACE_VERSION],
    )
    return HttpResponse(page)


def _next_change(now):
    """When an article or a banner is next due to appear or go: the home page holds until then."""
    times = [
        Article.objects.filter(is_published=True, published_at__gt=now).aggregate(
            t=Min("published_at")
        )["t"],
        Banner.objects.filter(starts_at__gt=now).aggregate(t=Min("starts_at"))["t"],
        Banner.objects.filter(ends_at__gt=now).aggregate(t=Min("ends_at"))["t"],
    ]
    return min((t for t in times if t is not None), default=None)


def _home_context():
    until = _next_change(timezone.now())
    published = Product.objects.published().select_related("business").prefetch_related("images")
    featured = list(published.filter(featured=True).order_by("-published_at")[:8])
    if len(featured) < 4:
        featured = list(published.order_by("-published_at")[:8])
    businesses = (
        Organisation.objects.businesses()
        .filter(status=OrgStatus.ACTIVE)
        .exclude(profile__state="withdrawn")
        .annotate(n=Count("products", filter=Q(products__state="published")))
        .filter(n__gt=0)
        .select_related("commune")
        .order_by("-profile__featured", "-n")[:6]
    )
    # Products sit in leaf categories; a top-level heading counts its whole subtree. The tree
    # is read in one query (a few hundred rows at most), not one query per level per heading.
    per_category = dict(published.values_list("category").annotate(n=Count("id")).order_by())
    children = {}
    for pk, parent in Category.objects.values_list("pk", "parent"):
        children.setdefault(parent, []).append(pk)
    categories = list(Category.objects.filter(parent=None).order_by("name"))
    for cat in categories:
        cat.n = sum(per_category.get(pk, 0) for pk in _subtree(children, cat.pk))
    return {
        "featured": featured,
        "businesses": businesses,
        "categories": categories,
        "news": Article.objects.published().select_related("section")[:3],
        "banners": Banner.objects.current()[:3],
        "search_form": SearchForm(),
        "recall_count": current_recalls().count(),
        "frame_until": until,
    }


# The parameters the search page reads: a request with others renders a page of its own (its
# pagination links repeat every parameter), so a crawler cannot fill the cache with variants.
SEARCH_PARAMS = {"q", "category", "commune", "agency", "ocop"}


def search(request):
    """Products ranked by relevance, and on the first page the businesses, lots (by lot or
    trace code) and stamp (by its code) that the words name.

    The first page of a search is the same for every anonymous visitor asking it: it is kept in
    the shared cache until the catalogue or the product cards' badges change. Lots and stamps
    found by their code are read on every request (lots and stamps come and go outside the
    catalogue) and put into the kept page."""
    form = SearchForm(request.GET or None)
    valid = form.is_valid()
    query = form.cleaned_data.get("q", "") if valid else ""
    if (valid or not request.GET) and set(request.GET) <= SEARCH_PARAMS:
        found = finders.find_codes(query) if query else {}
        flag = bool(found.get("lots") or found.get("stamp_code"))
        params = tuple(sorted((k, request.GET.get(k)) for k in request.GET))
        page = pagecache.render_framed(
            request,
            "public/search.html",
            lambda _tokens: {
                **_search_context(request, form, query, first_page=True),
                "found_codes": flag,
            },
            key=("public:search", params, get_language(), flag, *_cards_key()),
            versions=[CATALOG_VERSION],
            fills={"codes": _codes_html(request, found)},
        )
        return HttpResponse(page)
    context = _search_context(request, form, query, first_page=False)
    return render(request, "public/search.html", context)


def _codes_html(request, found):
    context = {"lots": [], "stamp_code": "", **found}
    return mark_safe(render_to_string("public/_search_codes.html", context, request))  # noqa: S308


def _search_context(request, form, query, *, first_page):
    """`first_page`: the caller has the codes found already (they are read on every request)."""
    qs = form.apply(Product.objects.published()).select_related("business", "category")
    if not query:
        qs = qs.order_by("-published_at", "name")
    page = CappedPaginator(qs.prefetch_related("images"), 20).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": query, "businesses": []}
    if query and page.number == 1:
        context["businesses"] = finders.find_businesses(query)
        if not first_page:
            found = finders.find_codes(query)
            context.update(
                codes=_codes_html(request, found),
                found_codes=bool(found["lots"] or found["stamp_code"]),
            )
    return context


def current_recalls():
    """Recalls not lifted, of lots of published products, newest first: only the lot named in
    each recall (not the holders downstream), its product and producer. A completed recall
    stays: units may still be in consumers' hands (the scan page keeps its warning too)."""
    return (
        RecallLot.objects.filter(named=True, lot__in=Lot.objects.public())
        .exclude(recall__in=Recall.objects.in_state(RecallState.LIFTED))
        .select_related("recall", "lot__product__business")
        .order_by("-recall__created_at", "lot__product__name", "lot__code")
    )


def recalls(request):
    page = Paginator(current_recalls(), 30).get_page(request.GET.get("page"))
    return render(request, "public/recalls.html", {"page": page})


def news(request, section=None):
    qs = Article.objects.published().select_related("section")
    current = None
    if section:
        current = get_object_or_404(Section, slug=section)
        qs = qs.filter(section=current)
    page = Paginator(qs, 12).get_page(request.GET.get("page"))
    return render(
        request,
        "public/news.html",
        {"page": page, "sections": Section.objects.all(), "current": current},
    )


def article(request, pk, slug=None):
    item = get_object_or_404(Article.objects.published().select_related("section"), pk=pk)
    if slug != item.slug:
        return redirect(item, permanent=True)
    return render(request, "public/article.html", {"article": item})


def board(request):
    form = BoardFilterForm(request.GET or None)
    qs = Post.objects.published().select_related("business")
    if form.is_valid():
        if form.cleaned_data.get("kind"):
            qs = qs.filter(kind=form.cleaned_data["kind"])
        for word in normalise(form.cleaned_data.get("q")).split()[:5]:
            qs = qs.filter(search_text__contains=word)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "public/board.html", {"form": form, "page": page})


@role_required("business")
def my_posts(request):
    posts = Post.objects.visible_to(request.user)
    return render(request, "public/my_posts.html", {"posts": posts})


@role_required("business")
def post_edit(request, pk=None):
    post = get_visible_or_404(Post.objects, request.user, pk=pk) if pk else Post()
    form = PostForm(request.POST or None, instance=post)
    if save_form(
        request,
        form,
        lambda: actions.submit_post(form.save(commit=False), actor=request.user),
        _("Đã gửi tin; tin được đăng khi cơ quan quản lý duyệt."),
    ):
        return redirect("public:my_posts")
    return render(request, "public/post_form.html", {"form": form, "post": post})


@role_required("authority")
def board_queue(request):
    visible = Post.objects.visible_to(request.user)
    state = request.GET.get("state") or PostState.PENDING
    counts = dict(visible.values_list("state").annotate(n=Count("id")).order_by())
    return render(
        request,
        "public/board_queue.html",
        {
            "posts": visible.filter(state=state).select_related("business")[:200],
            "state": state,
            "counts": [(s, label, counts.get(s, 0)) for s, label in PostState.choices],
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def moderate_post(request, pk, action):
    post = get_visible_or_404(Post.objects, request.user, pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    handlers = {
        "approve": lambda: actions.approve_post(post, actor=request.user),
        "reject": lambda: actions.reject_post(post, actor=request.user, reason=reason),
        "take-down": lambda: actions.take_down_post(post, actor=request.user, reason=reason),
    }
    if action not in handlers:
        raise PermissionDenied
    try:
        handlers[action]()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã cập nhật tin."))
    return redirect("public:board_queue")


@login_required
def manage_news(request):
    if not actions.can_write_news(request.user):
        raise PermissionDenied
    items = Article.objects.visible_to(request.user).select_related("section", "author_org")
    return render(request, "public/manage_news.html", {"items": items})


@login_required
def article_edit(request, pk=None):
    if not actions.can_write_news(request.user):
        raise PermissionDenied
    item = get_visible_or_404(Article.objects, request.user, pk=pk) if pk else Article()
    form = ArticleForm(request.POST or None, request.FILES or None, instance=item)
    if save_form(
        request,
        form,
        lambda: actions.save_article(form.save(commit=False), actor=request.user),
        _("Đã lưu bài viết."),
    ):
        return redirect("public:manage_news")
    return render(request, "public/article_form.html", {"form": form, "item": item})


@role_required("dost")
def manage_banners(request, pk=None):
    banner = get_object_or_404(Banner, pk=pk) if pk else Banner()
    form = BannerForm(request.POST or None, request.FILES or None, instance=banner)
    if save_form(
        request,
        form,
        lambda: actions.save_banner(form.save(commit=False), actor=request.user),
        _("Đã lưu ảnh quảng bá."),
    ):
        return redirect("public:manage_banners")
    return render(
        request,
        "public/manage_banners.html",
        {"form": form, "banner": banner, "banners": Banner.objects.all()},
    )


@login_required
@require_POST
def banner_delete(request, pk):
    banner = get_object_or_404(Banner, pk=pk)
    actions.delete_banner(banner, actor=request.user)
    messages.success(request, _("Đã xóa ảnh quảng bá."))
    return redirect("public:manage_banners")


@never_cache
def healthz(request):
    """For the load balancer: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        # The error names hosts, users and versions: the log gets it, the public does not.
        logger.exception("healthz: the database does not answer")
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", **health.extra()})


@role_required("dost")
def manage_sections(request, pk=None):
    from txng.public.forms import SectionForm

    section = get_object_or_404(Section, pk=pk) if pk else Section()
    form = SectionForm(request.POST or None, instance=section)
    if save_form(
        request,
        form,
        lambda: actions.save_section(form.save(commit=False), actor=request.user),
        _("Đã lưu chuyên mục."),
    ):
        return redirect("public:manage_sections")
    sections = Section.objects.annotate(n=Count("articles"))
    return render(
        request,
        "public/manage_sections.html",
        {"form": form, "section": section, "sections": sections},
    )
