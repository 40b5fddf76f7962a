from base64 import b32encode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from txng.accounts import actions, dashboard, twofactor
from txng.accounts.forms import (
    AuthorityForm,
    CodeForm,
    GlnForm,
    LoginForm,
    OrgFilterForm,
    PasswordResetForm,
    ResendForm,
    StaffForm,
)
from txng.accounts.models import Notification, Organisation, OrgKind, Role, User
from txng.accounts.permissions import can_manage_business, role_required
from txng.audit.models import AuditEntry
from txng.common.access import get_visible_or_404
from txng.common.forms import save_form
from txng.common.limits import posted_text


class LoginView(auth_views.LoginView):
    """Password first; users with an authenticator app then give a code on the next page."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if twofactor.confirmed_device(user) is None:
            return super().form_valid(form)
        self.request.session[OTP_PENDING] = user.pk
        self.request.session[OTP_NEXT] = self.get_success_url()
        return redirect("accounts:login_code")


OTP_PENDING, OTP_NEXT = twofactor.OTP_PENDING, twofactor.OTP_NEXT


def login_code(request):
    user = User.objects.filter(pk=request.session.get(OTP_PENDING)).first()
    if user is None:
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.confirmed_device(user)
        if device is not None and device.verify_token(form.cleaned_data["code"]):
            next_url = safe_next(request, request.session.get(OTP_NEXT), reverse("accounts:home"))
            auth_login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            otp_login(request, device)
            return redirect(next_url)
        form.add_error("code", _("Mã xác thực không đúng hoặc đã hết hạn."))
    return render(request, "accounts/login_code.html", {"form": form})


@login_required
def security(request):
    """Set up or remove the authenticator app (two-factor login)."""
    user = request.user
    device = twofactor.confirmed_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if device is None and twofactor.enable_two_factor(user, code):
            otp_login(request, twofactor.confirmed_device(user))
            messages.success(request, _("Đã bật đăng nhập hai bước."))
            return redirect("accounts:security")
        if device is not None and twofactor.disable_two_factor(user, code):
            messages.success(request, _("Đã tắt đăng nhập hai bước."))
            return redirect("accounts:security")
        form.add_error("code", _("Mã xác thực không đúng hoặc đã hết hạn."))
    context = {"form": form, "device": device}
    if device is None:
        pending = twofactor.pending_device(user)
        context.update(qr=twofactor.provisioning_svg(pending), secret=_base32(pending))
    return render(request, "accounts/security.html", context)


def _base32(device):
    return b32encode(device.bin_key).decode()


class ActivateView(auth_views.PasswordResetConfirmView):
    """The activation link of a new account: the same signed token as a password reset."""

    template_name = "accounts/activate.html"
    success_url = reverse_lazy("accounts:activated")
    post_reset_login = False

    def get_context_data(self, **kwargs):
        # Who to ask for a new link when this one has expired or was used.
        context = super().get_context_data(**kwargs)
        if not context.get("validlink"):
            user = self.get_user(self.kwargs["uidb64"])
            context["user_of_link"] = user
            context["issuers"] = issuers_of(user) if user is not None else []
        return context

    def form_valid(self, form):
        actions.activate_account(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        # Skip the parent's form_valid, which would save the form a second time.
        return super(auth_views.PasswordResetConfirmView, self).form_valid(form)


def issuers_of(user):
    """Who gives this account a new activation link: a business's owner its managing agencies,
    its staff the owner's business, an official DOST."""
    org = user.organisation
    if org is None:
        return []
    if org.is_business:
        return list(org.managers.all()) if user.role == Role.OWNER else [org]
    return list(Organisation.objects.filter(kind=OrgKind.DOST))


class PasswordResetView(auth_views.PasswordResetView):
    """Forgotten password: a link by mail to the account's address, the same answer whether or
    not the address is known (so the page tells nobody who has an account)."""

    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        actions.record_password_change(form.user, how="reset")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        actions.record_password_change(form.user, how="change")
        return response


@login_required
def home(request):
    user = request.user
    if user.organisation is None:
        return redirect("admin:index")
    tiles = dashboard.tiles(user)
    notifications = Notification.objects.filter(organisation=user.organisation)[:8]
    return render(request, "accounts/home.html", {"tiles": tiles, "notifications": notifications})


@role_required("authority")
def organisations(request):
    filters = OrgFilterForm(request.GET or None)
    qs = filters.apply(Organisation.objects.visible_to(request.user)).select_related("commune")
    page = Paginator(qs.order_by("kind", "name"), 30).get_page(request.GET.get("page"))
    return render(request, "accounts/organisations.html", {"filters": filters, "page": page})


@login_required
def organisation_detail(request, pk):
    # A business sees only its own organisation: the rule of Organisation.visible_to.
    org = get_visible_or_404(Organisation.objects, request.user, pk=pk)
    history = AuditEntry.objects.filter(object_type="accounts.organisation", object_id=str(pk))
    can_add_official = org.is_authority and request.user.is_dost
    form = StaffForm(request.POST or None) if can_add_official else None
    if form is not None and save_form(
        request,
        form,
        lambda: actions.add_official(org, actor=request.user, **form.cleaned_data),
        _("Đã thêm tài khoản và gửi liên kết kích hoạt."),
    ):
        return redirect("accounts:organisation", pk=pk)
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "org": org,
            "members": org.users.order_by("-is_active", "role", "username"),
            "can_manage": org.is_business and can_manage_business(request.user, org),
            "can_resend": request.user.is_dost
            or (org.is_business and can_manage_business(request.user, org)),
            "history": history[:50],
            "official_form": form,
            "gln_form": GlnForm(initial={"gln": org.gln})
            if actions.can_set_gln(request.user, org)
            else None,
        },
    )


@login_required
@require_POST
def set_gln(request, pk):
    org = get_visible_or_404(Organisation.objects, request.user, pk=pk)
    form = GlnForm(request.POST)
    if save_form(
        request,
        form,
        lambda: actions.set_gln(org, actor=request.user, gln=form.cleaned_data["gln"]),
        _("Đã cập nhật mã GLN."),
    ):
        return redirect("accounts:organisation", pk=pk)
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)
    return redirect("accounts:organisation", pk=pk)


STATUS_ACTIONS = {
    "lock": (actions.lock_business, gettext_lazy("Đã khóa tài khoản.")),
    "unlock": (actions.unlock_business, gettext_lazy("Đã mở khóa tài khoản.")),
    "revoke": (actions.revoke_business, gettext_lazy("Đã thu hồi tài khoản.")),
}


@login_required
@require_POST
def change_status(request, pk, action):
    org = get_visible_or_404(Organisation.objects, request.user, pk=pk)
    if action not in STATUS_ACTIONS:
        raise PermissionDenied
    do, done = STATUS_ACTIONS[action]
    try:
        do(org, actor=request.user, reason=posted_text(request, "reason", _("Lý do")))
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, done)
    return redirect("accounts:organisation", pk=pk)


@role_required("dost")
def new_authority(request):
    form = AuthorityForm(request.POST or None)
    if saved := save_form(
        request,
        form,
        lambda: actions.create_authority(actor=request.user, **form.cleaned_data),
        _("Đã tạo tài khoản và gửi liên kết kích hoạt."),
    ):
        return redirect("accounts:organisation", pk=saved.result.pk)
    return render(request, "accounts/new_authority.html", {"form": form})


@role_required("owner")
def staff(request):
    user = request.user
    form = StaffForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda: actions.add_staff(user.organisation, actor=user, **form.cleaned_data),
        _("Đã thêm nhân viên và gửi liên kết kích hoạt."),
    ):
        return redirect("accounts:staff")
    members = user.organisation.users.order_by("-is_active", "role", "username")
    return render(request, "accounts/staff.html", {"form": form, "members": members})


@login_required
@require_POST
def remove_staff(request, pk):
    member = get_object_or_404(request.user.organisation.users.filter(role=Role.STAFF), pk=pk)
    try:
        reason = posted_text(request, "reason", _("Lý do"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:staff")
    actions.remove_staff(member, actor=request.user, reason=reason)
    messages.success(request, _("Đã cho thôi tài khoản %(name)s.") % {"name": member})
    return redirect("accounts:staff")


@login_required
@require_POST
def resend_activation(request, pk):
    member = get_object_or_404(User, pk=pk)
    form = ResendForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        try:
            actions.resend_activation(member, actor=request.user, email=form.cleaned_data["email"])
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        else:
            messages.success(
                request,
                _("Đã gửi lại liên kết kích hoạt tới %(email)s.") % {"email": member.email},
            )
    return redirect(safe_next(request, request.POST.get("next"), reverse("accounts:home")))


def safe_next(request, url, fallback):
    """`url` when it points at this site, else `fallback`: a `next=` from a form is anyone's."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback


@login_required
def notifications(request):
    items = Notification.objects.filter(organisation=request.user.organisation)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    response = render(request, "accounts/notifications.html", {"page": page})
    actions.mark_notifications_read(request.user)
    return response
