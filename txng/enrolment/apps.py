from django.apps import AppConfig


class EnrolmentConfig(AppConfig):
    name = "txng.enrolment"

    def ready(self):
        from txng.accounts import dashboard
        from txng.audit.labels import register
        from txng.enrolment.audit_actions import GROUP, AuditAction

        register(AuditAction, GROUP)
        from txng.enrolment.dashboard import tiles

        dashboard.register(tiles, position=10)
