"""Two-factor login (TOTP, any authenticator app) for officials, who hold the most power.

A user with a confirmed TOTP device gives a 6-digit code after the password. With
OFFICIALS_REQUIRE_2FA on, officials without a device are sent to set one up before working.
"""

import segno
from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from txng.accounts.audit_actions import AuditAction
from txng.audit.actions import record

DEVICE_NAME = "authenticator"
# Session keys between the password step and the code step of a login.
OTP_PENDING, OTP_NEXT = "otp_pending_user", "otp_next"


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user):
    """The unconfirmed device being set up (made on first visit, reused until confirmed)."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": DEVICE_NAME}
    )
    return device


def provisioning_svg(device):
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1b1f23")


@transaction.atomic
def enable_two_factor(user, code):
    """Confirm the pending device with a code from the app. Returns True when enabled."""
    device = pending_device(user)
    if not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    record(user, AuditAction.ENABLE_2FA, user)
    return True


@transaction.atomic
def disable_two_factor(user, code):
    device = confirmed_device(user)
    if device is None or not device.verify_token(code):
        return False
    TOTPDevice.objects.filter(user=user).delete()
    record(user, AuditAction.DISABLE_2FA, user)
    return True


def needs_second_factor(user):
    """Officials and django-admin staff: the accounts that can change other people's data."""
    return user.is_authenticated and (user.is_authority or user.is_staff or user.is_superuser)


# What an official may open before the second factor: the pages that set it up or give it,
# logging out, and files and endpoints that carry nothing of theirs.
OPEN_URL_NAMES = {
    "accounts:security",
    "accounts:login",
    "accounts:login_code",
    "accounts:logout",
    "set_language",
    "public:healthz",
}
OPEN_PREFIXES = ("/static/", "/media/public/")


class RequireTwoFactorMiddleware:
    """With OFFICIALS_REQUIRE_2FA, an official works only with the second factor given.

    It covers every URL (recalls, tracing requests, lots, exports, /django-admin/), not only
    /manage/: a list of protected prefixes would miss the next page someone adds. An official
    without a device is sent to set one up; one with a device whose session skipped the code
    (a session from before the device existed) is asked for the code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            getattr(settings, "OFFICIALS_REQUIRE_2FA", False)
            and user is not None
            and needs_second_factor(user)
            and not user.is_verified()
            and not self._open(request)
        ):
            if confirmed_device(user) is None:
                return redirect("accounts:security")
            return self._ask_for_code(request, user)
        return self.get_response(request)

    @staticmethod
    def _open(request):
        if request.path.startswith(OPEN_PREFIXES):
            return True
        match = getattr(request, "resolver_match", None) or _resolve(request.path_info)
        return match is not None and match.view_name in OPEN_URL_NAMES

    @staticmethod
    def _ask_for_code(request, user):
        from django.contrib.auth import logout

        next_url = request.get_full_path() if request.method == "GET" else reverse("accounts:home")
        logout(request)
        request.session[OTP_PENDING] = user.pk
        request.session[OTP_NEXT] = next_url
        return redirect("accounts:login_code")


def _resolve(path):
    from django.urls import Resolver404, resolve

    try:
        return resolve(path)
    except Resolver404:
        return None
