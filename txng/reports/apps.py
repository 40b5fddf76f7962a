from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "txng.reports"

    def ready(self):
        from txng.accounts import dashboard
        from txng.audit.labels import register
        from txng.reports import figures  # noqa: F401  (registers the lower apps' figures)
        from txng.reports.audit_actions import GROUP, AuditAction
        from txng.reports.dashboard import tiles

        register(AuditAction, GROUP)
        dashboard.register(tiles, position=5)
