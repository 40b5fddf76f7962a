"""Cases: the public form and tracking page, the officials' queue and case page, the business's
answer. Thin: every change is an action in txng/feedback/actions.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from txng.accounts.models import Organisation
from txng.catalog.models import Product
from txng.common.access import get_visible_or_404
from txng.common.forms import add_errors, save_form
from txng.common.http import client_ip
from txng.common.ratelimit import hit, rate_limited
from txng.common.uploads import file_response
from txng.feedback import actions
from txng.feedback.forms import CaseForm, LotsForm, ReasonForm, ReassignForm, TracingForm
from txng.feedback.models import Case, CaseKind, CaseState
from txng.stamps import codes
from txng.stamps.lookup import find_stamp
from txng.stamps.scans import hash_ip
from txng.tracing.models import Lot

BUSINESS_LIMIT = 50  # cases an hour about one business, from all visitors together


def _subject(request):
    """What the case is about, from the page it was filed from: ?product=, ?business=, ?code=."""
    product = business = None
    code = codes.normalise(request.GET.get("code", ""))[:40]
    if code and codes.verify(code):
        stamp = find_stamp(code)
        if stamp is not None:
            product = stamp.order.product
            business = stamp.order.business
    if request.GET.get("product", "").isdigit():
        product = Product.objects.published().filter(pk=request.GET["product"]).first()
        business = product.business if product else None
    elif request.GET.get("business", "").isdigit():
        business = Organisation.objects.businesses().filter(pk=request.GET["business"]).first()
    return product, business, code


@rate_limited("case", limit=5, seconds=3600, methods=("POST",))
def file_case(request):
    product, business, code = _subject(request)
    initial = {"kind": CaseKind.FAKE_STAMP if code else CaseKind.COMPLAINT}
    official = request.user.is_authenticated and request.user.is_authority
    form = CaseForm(request.POST or None, request.FILES or None, initial=initial, official=official)
    # One business cannot be flooded from many addresses either.
    if (
        request.method == "POST"
        and business is not None
        and hit(f"case-biz:{business.pk}", limit=BUSINESS_LIMIT, seconds=3600)
    ):
        return HttpResponse(
            _("Đã có nhiều phản ánh về cơ sở này. Vui lòng thử lại sau."), status=429
        )
    saved = save_form(
        request,
        form,
        lambda: actions.file_case(
            kind=form.cleaned_data["kind"],
            description=form.cleaned_data["description"],
            where=form.cleaned_data["where"],
            photo=form.cleaned_data.get("photo"),
            reporter_name=form.cleaned_data["reporter_name"],
            reporter_email=form.cleaned_data["reporter_email"],
            reporter_phone=form.cleaned_data["reporter_phone"],
            contact_shared=form.cleaned_data["contact_shared"],
            business=business,
            product=product,
            stamp_code=code,
            actor=request.user,
            ip_hash=hash_ip(client_ip(request)),
        ),
        _("Đã gửi phản ánh. Hãy lưu mã phản ánh để theo dõi kết quả."),
    )
    if saved:
        return redirect("feedback:track", code=saved.result.code)
    context = {"form": form, "product": product, "business": business, "code": code}
    return render(request, "feedback/file_case.html", context)


def track(request, code):
    """The reporter follows the case by its unguessable code, without signing in: its state,
    deadline, public steps and outcome; nobody's contact, no business answer."""
    case = get_object_or_404(
        Case.objects.select_related("agency", "business", "product"), code=code.upper()
    )
    events = [e for e in case.events.all() if e.is_public]
    # Only what is public anyway: a draft or withdrawn product's name stays private.
    product = case.product if case.product and case.product.is_public else None
    context = {"case": case, "events": events, "product": product}
    response = render(request, "feedback/track.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def cases(request):
    qs = Case.objects.visible_to(request.user).select_related("agency", "business", "product")
    state = request.GET.get("state", "open")
    if state == "open":
        qs = qs.open()
    elif state == "overdue":
        qs = qs.overdue()
    elif state in CaseState.values:
        qs = qs.filter(state=state)
    qs = qs.order_by("deadline", "pk") if state in ("open", "overdue") else qs
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/cases.html",
        {"page": page, "state": state, "states": CaseState.choices},
    )


def _lots(case):
    if case.business is None:
        return Lot.objects.none()
    lots = Lot.objects.filter(business=case.business)
    if case.product_id:
        lots = lots.filter(product=case.product_id)
    return lots.order_by("-pk")


def _agencies(case):
    agencies = Organisation.objects.authorities().filter(parent__isnull=True)
    if case.business is not None:
        agencies = agencies.filter(kind="dost") | case.business.managers.all()
    return agencies.distinct()


@login_required
def case(request, pk, forms=None):
    case = get_visible_or_404(
        Case.objects.select_related("agency", "business", "product"), request.user, pk=pk
    )
    handles = Case.objects.manage_rule(request.user).filter(pk=case.pk).exists()
    forms = forms or {}
    context = {
        "case": case,
        "events": case.events.select_related("actor"),
        "handles": handles,
        "show_contact": case.contact_visible_to(request.user),
        "explains": request.user.is_business and case.is_open,
    }
    if handles and case.is_open:
        context.update(
            reason_form=forms.get("reason", ReasonForm()),
            lots_form=forms.get("recall", LotsForm(lots=_lots(case))),
            tracing_form=forms.get("tracing", TracingForm(lots=_lots(case))),
            reassign_form=request.user.is_dost
            and forms.get("reassign", ReassignForm(agencies=_agencies(case))),
        )
    return render(request, "feedback/case.html", context)


ACTIONS = {
    "handle": (
        lambda c, u, d: actions.start_handling(c, actor=u, note=d["reason"]),
        _("Đã nhận xử lý."),
    ),
    "ask": (
        lambda c, u, d: actions.ask_business(c, actor=u, question=d["reason"]),
        _("Đã gửi yêu cầu giải trình."),
    ),
    "resolve": (
        lambda c, u, d: actions.resolve(c, actor=u, outcome=d["reason"]),
        _("Đã giải quyết phản ánh."),
    ),
    "dismiss": (
        lambda c, u, d: actions.dismiss(c, actor=u, reason=d["reason"]),
        _("Đã kết thúc: không xử lý."),
    ),
    "take_down": (
        lambda c, u, d: actions.take_down(c, actor=u, reason=d["reason"]),
        _("Đã gỡ nội dung."),
    ),
    "lock": (
        lambda c, u, d: actions.lock_account(c, actor=u, reason=d["reason"]),
        _("Đã khóa tài khoản cơ sở."),
    ),
}


@login_required
@require_POST
def act(request, pk, action):
    case = get_visible_or_404(Case.objects, request.user, pk=pk)
    user = request.user
    if action == "explain":
        form = ReasonForm(request.POST)
        run = lambda: actions.explain(case, actor=user, explanation=form.cleaned_data["reason"])  # noqa: E731
        message, key = _("Đã gửi giải trình."), "reason"
    elif action == "recall":
        form = LotsForm(request.POST, lots=_lots(case))
        run = lambda: actions.recall(  # noqa: E731
            case, actor=user, lots=form.cleaned_data["lots"], reason=form.cleaned_data["reason"]
        )
        message, key = _("Đã thu hồi các lô đã chọn."), "recall"
    elif action == "tracing":
        form = TracingForm(request.POST, lots=_lots(case))
        run = lambda: actions.open_tracing_request(  # noqa: E731
            case, actor=user, reason=form.cleaned_data["reason"], lot=form.cleaned_data["lot"]
        )
        message, key = _("Đã gửi yêu cầu truy xuất."), "tracing"
    elif action == "reassign":
        form = ReassignForm(request.POST, agencies=_agencies(case))
        run = lambda: actions.reassign(  # noqa: E731
            case, actor=user, agency=form.cleaned_data["agency"], reason=form.cleaned_data["reason"]
        )
        message, key = _("Đã chuyển cơ quan xử lý."), "reassign"
    elif action in ACTIONS:
        form = ReasonForm(request.POST)
        fn, message = ACTIONS[action]
        run, key = (lambda: fn(case, user, form.cleaned_data)), "reason"
    else:
        raise PermissionDenied
    try:
        saved = save_form(request, form, run, message)
    except ValidationError as exc:  # raised outside the form's fields (a state clash)
        add_errors(form, exc)
        saved = None
    if saved:
        if action == "reassign" and not Case.objects.visible_to(user).filter(pk=pk).exists():
            return redirect("feedback:cases")
        return redirect("feedback:case", pk=case.pk)
    messages.error(request, _("Chưa thực hiện được, xem lỗi bên dưới."))
    return case_view_with(request, pk, key, form)


def case_view_with(request, pk, key, form):
    response = case(request, pk, forms={key: form})
    response.status_code = 400
    return response


@login_required
def preferences(request):
    from txng.feedback import notifications
    from txng.feedback.forms import PreferencesForm

    form = PreferencesForm(
        request.POST or None,
        current=notifications.preferences(request.user),
        language=notifications.mail_language(request.user),
    )
    if save_form(
        request,
        form,
        lambda: notifications.set_preferences(
            request.user, choices=form.choices(), language=form.cleaned_data["language"]
        ),
        _("Đã lưu cách nhận thông báo."),
    ):
        return redirect("feedback:preferences")
    return render(request, "feedback/preferences.html", {"form": form})


@login_required
def case_photo(request, pk):
    """The reporter's photo: only the officials handling the case (it may show the reporter)."""
    case = get_visible_or_404(Case.objects, request.user, "manage", pk=pk)
    if not case.photo:
        raise Http404
    return file_response(case.photo)
