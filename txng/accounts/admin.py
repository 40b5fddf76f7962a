"""/django-admin/ behind the site's own login, and TOTP devices without their secrets.

Django's admin has its own login form, which skipped the throttling and the code step of
/accounts/login/; its login page now sends people to the site's login and back. The two-factor
requirement itself covers the admin through RequireTwoFactorMiddleware like every other page.
"""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice


def _site_login(request, extra_context=None):
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    return redirect_to_login(next_url, reverse("accounts:login"))


admin.site.login = _site_login


class SecretlessTOTPDeviceAdmin(TOTPDeviceAdmin):
    """An administrator may see that a device exists and delete a lost one, never its key: a
    key shown to someone else is a second factor they hold. Users add devices themselves on
    /manage/security/."""

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": ["user", "name", "confirmed", "created_at", "last_used_at"]}),
            (None, {"fields": ["throttling_failure_timestamp", "throttling_failure_count"]}),
        ]

    def get_list_display(self, request):
        return [f for f in super().get_list_display(request) if f != "qrcode_link"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "name", "confirmed", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False

    def config_view(self, request, pk):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied

    qrcode_view = config_view


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, SecretlessTOTPDeviceAdmin)
