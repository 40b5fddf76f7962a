from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TracingConfig(AppConfig):
    name = "txng.tracing"

    def ready(self):
        from txng.accounts import dashboard
        from txng.audit.labels import register
        from txng.catalog import journeys
        from txng.tracing.audit_actions import GROUP, AuditAction
        from txng.tracing.cache import bump_trace_version, trace_version
        from txng.tracing.dashboard import tiles
        from txng.tracing.queries import public_timeline

        journeys.register(steps=public_timeline, version=trace_version)
        from txng.tracing.models import Event, EventLot, LotLink, Recall, RecallLot

        # Saves and deletes one by one (the admin, corrections); bulk writes call
        # bump_trace_version themselves.
        for model in (Event, EventLot, LotLink, Recall, RecallLot):
            post_save.connect(bump_trace_version, sender=model, dispatch_uid=f"trace-{model}")
            post_delete.connect(bump_trace_version, sender=model, dispatch_uid=f"trace-{model}d")
        register(AuditAction, GROUP)
        dashboard.register(tiles, position=40)
