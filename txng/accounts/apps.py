from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "txng.accounts"

    def ready(self):
        from txng.audit.labels import register

        register(
            {
                "accounts.password_reset": _("Đặt lại mật khẩu (quên mật khẩu)"),
                "accounts.password_change": _("Đổi mật khẩu"),
            }
        )
