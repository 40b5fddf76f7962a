from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "txng.catalog"

    def ready(self):
        from txng.accounts import dashboard
        from txng.accounts.models import Organisation
        from txng.audit.labels import register
        from txng.catalog.audit_actions import GROUP, AuditAction
        from txng.catalog.dashboard import tiles
        from txng.catalog.models import business_url

        # A business's public page belongs to the catalog; accounts need not know about it.
        if not hasattr(Organisation, "get_absolute_url"):
            Organisation.get_absolute_url = business_url
        register(AuditAction, GROUP)
        dashboard.register(tiles, position=30)
