from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class StampsConfig(AppConfig):
    name = "txng.stamps"

    def ready(self):
        from txng.accounts import dashboard
        from txng.accounts.models import Organisation
        from txng.audit.labels import register
        from txng.catalog.models import Facility, Product
        from txng.stamps import checks  # noqa: F401  (registers the shared-cache check)
        from txng.stamps.audit_actions import GROUP, AuditAction
        from txng.stamps.dashboard import tiles
        from txng.stamps.lookup import bump_one_order, bump_order_version
        from txng.stamps.models import PrintOrder

        # The scan page caches each print order with its product, producer and facility.
        for model in (Product, Organisation, Facility):
            post_save.connect(bump_order_version, sender=model, dispatch_uid=f"scan-{model}")
            post_delete.connect(bump_order_version, sender=model, dispatch_uid=f"scan-{model}d")
        # An order's own changes (approval, printing, its counters) concern its stamps only.
        post_save.connect(bump_one_order, sender=PrintOrder, dispatch_uid="scan-order")
        post_delete.connect(bump_one_order, sender=PrintOrder, dispatch_uid="scan-orderd")
        register(AuditAction, GROUP)
        dashboard.register(tiles, position=50)
