from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "txng.accounts"

    def ready(self):
        from txng.accounts import dashboard
        from txng.accounts.audit_actions import GROUP, AuditAction
        from txng.audit.labels import register

        register(AuditAction, GROUP)

        dashboard.register(dashboard.own_tiles, position=20)
