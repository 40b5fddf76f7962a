from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "txng.national"

    def ready(self):
        from txng.accounts import dashboard
        from txng.audit.actions import add_listener
        from txng.audit.labels import register
        from txng.common import health
        from txng.national import slots, status
        from txng.national.audit_actions import GROUP, AuditAction
        from txng.national.dashboard import tiles
        from txng.national.outbox import on_audit_entry

        register(AuditAction, GROUP)
        add_listener(on_audit_entry)
        dashboard.register(tiles, position=90)
        health.register(status.health)
        slots.register()
