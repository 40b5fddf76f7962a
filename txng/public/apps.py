from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "txng.public"

    def ready(self):
        from txng.audit.labels import register
        from txng.public.audit_actions import GROUP, AuditAction

        register(AuditAction, GROUP)
