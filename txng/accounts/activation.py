"""Activation links: a new account sets its own password through a one-time signed link."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from txng.accounts import provinces


def activation_path(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:activate", args=[uid, token])


def activation_url(user):
    scheme = "http" if settings.DEBUG else "https"
    host = provinces.site_domain() if not settings.DEBUG else settings.ALLOWED_HOSTS[0] + ":8000"
    return f"{scheme}://{host}{activation_path(user)}"


def send_activation(user):
    """Mail the link. Called from transaction.on_commit so a rollback sends nothing."""
    if not user.email:
        return
    province = provinces.current()
    body = _(
        "Xin chào %(name)s,\n\nTài khoản %(username)s trên Hệ thống truy xuất nguồn gốc "
        "%(province)s đã được cấp. Mở liên kết sau để đặt mật khẩu và kích hoạt tài khoản:"
        "\n\n%(url)s\n\n"
        "Liên kết chỉ dùng được một lần."
    ) % {
        "name": user.full_name or user.username,
        "username": user.username,
        "province": province.name,
        "url": activation_url(user),
    }
    send_mail(
        _("Kích hoạt tài khoản truy xuất nguồn gốc"),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )
