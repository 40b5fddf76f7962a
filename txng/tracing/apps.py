from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TracingConfig(AppConfig):
    name = "txng.tracing"

    def ready(self):
        from txng.accounts import dashboard
        from txng.audit.labels import register
        from txng.catalog import journeys
        from txng.tracing import cache
        from txng.tracing.audit_actions import GROUP, AuditAction
        from txng.tracing.dashboard import tiles
        from txng.tracing.queries import public_timeline

        journeys.register(steps=public_timeline, version=cache.product_trace_version)
        from txng.tracing.models import Event, EventLot, Lot, LotLink, Recall, RecallLot, Shipment

        # Saves and deletes one by one (the admin, corrections); bulk writes bump the versions
        # themselves. A recall concerns a whole chain and its holders: every lot's pages.
        receivers = {
            Lot: cache.lot_changed,
            Event: cache.event_changed,
            EventLot: cache.event_lot_changed,
            LotLink: cache.link_changed,
            Shipment: cache.shipment_changed,
            Recall: cache.bump_trace_version,
            RecallLot: cache.bump_trace_version,
        }
        for model, receiver in receivers.items():
            name = model.__name__
            post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"trace-{name}")
            post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"trace-{name}d")
        register(AuditAction, GROUP)
        dashboard.register(tiles, position=40)
