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


class RequireTwoFactorMiddleware:
    """With OFFICIALS_REQUIRE_2FA, an official without a device works only after setting one up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            getattr(settings, "OFFICIALS_REQUIRE_2FA", False)
            and user is not None
            and user.is_authenticated
            and user.is_authority
            and request.path.startswith("/manage/")
            and request.path != reverse("accounts:security")
            and not request.user.is_verified()
        ):
            return redirect("accounts:security")
        return self.get_response(request)
