from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from txng.accounts.permissions import role_required
from txng.audit.models import AuditEntry
from txng.common.access import get_visible_or_404
from txng.common.forms import save_form
from txng.common.ratelimit import rate_limited
from txng.common.uploads import file_response
from txng.enrolment import actions
from txng.enrolment.forms import DossierForm, QueueFilterForm, ReasonForm, SupplementForm
from txng.enrolment.models import APPLICANT_FIELDS, Dossier, DossierState


@rate_limited("register", limit=20, seconds=3600, methods=("POST",))
def register(request):
    form = DossierForm(request.POST or None, request.FILES or None)
    if saved := save_form(request, form, lambda: actions.submit_dossier(form.save(commit=False))):
        return redirect("enrolment:status", code=saved.result.tracking_code)
    if request.method == "POST":
        form.licence_must_be_chosen_again()
    return render(request, "enrolment/register.html", {"form": form})


def status(request, code):
    dossier = get_object_or_404(Dossier, tracking_code=code.upper())
    return render(request, "enrolment/status.html", {"dossier": dossier})


def supplement(request, code):
    dossier = get_object_or_404(Dossier, tracking_code=code.upper())
    if not dossier.is_editable_by_applicant:
        messages.info(request, _("Hồ sơ không ở trạng thái cần bổ sung."))
        return redirect("enrolment:status", code=dossier.tracking_code)
    form = SupplementForm(request.POST or None, request.FILES or None, instance=dossier)

    def resubmit():
        changes = {f: form.cleaned_data[f] for f in APPLICANT_FIELDS}
        changes["note"] = form.cleaned_data.get("note", "")
        if form.cleaned_data.get("privacy_consent"):
            changes["privacy_consent"] = True
        # Work on a fresh copy so a refused resubmission leaves the saved dossier untouched.
        actions.resubmit_dossier(
            Dossier.objects.get(pk=dossier.pk),
            changes=changes,
            licence=form.cleaned_data.get("licence") or None,
        )

    if save_form(request, form, resubmit, _("Đã gửi hồ sơ bổ sung.")):
        return redirect("enrolment:status", code=dossier.tracking_code)
    if request.method == "POST":
        form.licence_must_be_chosen_again()
    return render(request, "enrolment/supplement.html", {"form": form, "dossier": dossier})


@role_required("authority")
def queue(request):
    visible = Dossier.objects.visible_to(request.user)
    filters = QueueFilterForm(request.GET or None)
    qs = filters.apply(visible).select_related("commune", "addressed_to")
    counts = dict(visible.values_list("state").annotate(n=Count("id")).order_by())
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "enrolment/queue.html",
        {
            "filters": filters,
            "page": page,
            "counts": [(s, label, counts.get(s, 0)) for s, label in DossierState.choices],
        },
    )


@login_required
def detail(request, pk):
    dossier = get_visible_or_404(Dossier.objects, request.user, pk=pk)
    history = AuditEntry.objects.filter(object_type="enrolment.dossier", object_id=str(pk))
    return render(
        request,
        "enrolment/detail.html",
        {
            "dossier": dossier,
            "can_review": actions.can_review(request.user, dossier),
            "reason_form": ReasonForm(),
            "audit": history,
            "same_tax_code": actions.dossiers_with_same_tax_code(dossier, request.user),
        },
    )


@login_required
def licence(request, pk):
    dossier = get_visible_or_404(Dossier.objects, request.user, pk=pk)
    return file_response(dossier.licence)


REVIEW_ACTIONS = {
    "approve": (
        lambda d, u, r: actions.approve_dossier(d, actor=u, note=r),
        _("Đã duyệt hồ sơ và gửi liên kết kích hoạt tài khoản."),
    ),
    "supplement": (
        lambda d, u, r: actions.ask_supplement(d, actor=u, reason=r),
        _("Đã yêu cầu bổ sung hồ sơ."),
    ),
    "reject": (
        lambda d, u, r: actions.reject_dossier(d, actor=u, reason=r),
        _("Đã từ chối hồ sơ."),
    ),
}


@login_required
@require_POST
def review(request, pk, action):
    dossier = get_visible_or_404(Dossier.objects, request.user, pk=pk)
    if action not in REVIEW_ACTIONS:
        raise PermissionDenied
    form = ReasonForm(request.POST)
    form.is_valid()
    do, done = REVIEW_ACTIONS[action]
    try:
        do(dossier, request.user, form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, done)
    return redirect("enrolment:detail", pk=pk)
