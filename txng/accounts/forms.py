import unicodedata
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from txng.accounts.identifiers import validate_gln
from txng.accounts.models import LoginFailure, Organisation, OrgKind, OrgStatus, User
from txng.common import limits
from txng.common.http import client_ip


def normalise_username(username):
    """The name a login attempt counts against: "Commune", " commune ", "ｃｏｍｍｕｎｅ" are one."""
    return unicodedata.normalize("NFKC", username or "").casefold().strip()


class LoginForm(AuthenticationForm):
    """Login with a cool-down after repeated failures and a plain reason for locked accounts."""

    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản này đã ngừng hoạt động."),
        "throttled": _("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút."),
        "locked": _("Tài khoản của %(org)s đang bị khóa. Lý do: %(reason)s"),
        "revoked": _("Tài khoản của %(org)s đã bị thu hồi. Lý do: %(reason)s"),
    }

    def _throttled(self, name, ip):
        """Too many recent failures for this name from this address, or from this address at all.

        Counting per name alone let anyone lock an official out (business usernames are public
        tax codes); counting per (name, address) leaves the official their own address, and the
        per-address ceiling stops one address from trying many names."""
        since = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
        recent = LoginFailure.objects.filter(at__gte=since, ip=ip)
        return (
            recent.filter(username=name).count() >= settings.LOGIN_MAX_FAILURES
            or recent.count() >= settings.LOGIN_MAX_FAILURES_PER_IP
        )

    def clean(self):
        name = normalise_username(self.cleaned_data.get("username"))
        ip = client_ip(self.request) if self.request else None
        if name and self._throttled(name, ip):
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": settings.LOGIN_LOCKOUT_SECONDS // 60},
            )
        try:
            return super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login":
                LoginFailure.objects.create(username=name[:150], ip=ip)
            raise

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        org = user.organisation
        if org is not None and org.status != OrgStatus.ACTIVE:
            code = "revoked" if org.status == OrgStatus.REVOKED else "locked"
            raise ValidationError(
                self.error_messages[code],
                code=code,
                params={"org": org.name, "reason": org.status_reason or "—"},
            )


class AuthorityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại"),
        choices=[
            (OrgKind.DEPARTMENT, OrgKind.DEPARTMENT.label),
            (OrgKind.COMMUNE, OrgKind.COMMUNE.label),
        ],
    )
    parent = forms.ModelChoiceField(
        label=_("Trực thuộc (đơn vị, phòng ban của một sở)"),
        required=False,
        queryset=Organisation.objects.filter(kind=OrgKind.DEPARTMENT, parent__isnull=True),
        empty_label=_("— Không (tài khoản chính của cơ quan) —"),
    )
    name = forms.CharField(label=_("Tên cơ quan, đơn vị"), max_length=255)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=50, required=False)
    username = forms.SlugField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ tên người phụ trách"), max_length=255, required=False)
    email = forms.EmailField(label=_("Thư điện tử (nhận liên kết kích hoạt)"))
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("Tên đăng nhập đã có người dùng."))
        return username

    def clean(self):
        data = super().clean()
        if data.get("parent") and data.get("kind") != OrgKind.DEPARTMENT:
            self.add_error("parent", _("Chỉ sở, ban, ngành mới có đơn vị trực thuộc."))
        return data


class StaffForm(forms.Form):
    username = forms.SlugField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=255)
    email = forms.EmailField(label=_("Thư điện tử (nhận liên kết kích hoạt)"))
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("Tên đăng nhập đã có người dùng."))
        return username


class OrgFilterForm(forms.Form):
    q = forms.CharField(
        max_length=limits.SEARCH, label=_("Tìm theo tên hoặc mã số thuế"), required=False
    )
    kind = forms.ChoiceField(
        label=_("Loại"), required=False, choices=[("", _("Tất cả"))] + list(OrgKind.choices)
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả"))] + list(OrgStatus.choices),
    )

    def apply(self, qs):
        if not self.is_valid():
            return qs
        d = self.cleaned_data
        if d["q"]:
            qs = qs.filter(name__icontains=d["q"]) | qs.filter(tax_code__startswith=d["q"])
        if d["kind"]:
            qs = qs.filter(kind=d["kind"])
        if d["status"]:
            qs = qs.filter(status=d["status"])
        return qs


class CodeForm(forms.Form):
    code = forms.RegexField(
        max_length=20,
        label=_("Mã xác thực (6 chữ số trong ứng dụng)"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Mã xác thực gồm 6 chữ số.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("Thư điện tử của tài khoản"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ResendForm(forms.Form):
    """Resend an activation link, to a corrected address when the first one was wrong."""

    email = forms.EmailField(label=_("Thư điện tử nhận liên kết"), max_length=254, required=False)


class GlnForm(forms.Form):
    gln = forms.CharField(
        label=_("Mã GLN của tổ chức"),
        max_length=13,
        required=False,
        validators=[validate_gln],
        help_text=_("13 chữ số do GS1 Việt Nam cấp; để trống nếu chưa có."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
