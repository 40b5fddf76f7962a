from django.apps import AppConfig


class EpcisConfig(AppConfig):
    name = "txng.epcis"

    def ready(self):
        from txng.audit.labels import register
        from txng.epcis.audit_actions import GROUP, AuditAction

        register(AuditAction, GROUP)
