from django.apps import AppConfig


class EpcisConfig(AppConfig):
    name = "txng.epcis"

    def ready(self):
        from txng.audit.labels import register
        from txng.common import api_keys
        from txng.epcis.audit_actions import GROUP, AuditAction
        from txng.epcis.auth import check_for_other_apps

        register(AuditAction, GROUP)
        api_keys.register(check_for_other_apps)

    def warm_up(self):
        """Compile GS1's schema before gunicorn forks (txng/common/warmup.py): ~0.1 s of CPU a
        worker's first capture would otherwise spend."""
        from txng.epcis.capture import validator

        validator()
