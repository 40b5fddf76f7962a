from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "txng.catalog"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from txng.accounts import dashboard
        from txng.accounts.models import Organisation
        from txng.audit.labels import register
        from txng.catalog.audit_actions import GROUP, AuditAction
        from txng.catalog.cache import bump_catalog_version
        from txng.catalog.dashboard import tiles
        from txng.catalog.models import (
            BusinessProfile,
            Category,
            Document,
            Facility,
            Product,
            ProductImage,
            business_url,
        )

        # Cached public pages (home, search, a lot's trace) show these rows: any change renders
        # them again.
        models = (
            Product,
            ProductImage,
            Category,
            Organisation,
            BusinessProfile,
            Facility,
            Document,
        )
        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(
                    bump_catalog_version,
                    sender=model,
                    weak=False,
                    dispatch_uid=f"catalog-{model.__name__}-{id(signal)}",
                )
        # Search filters by managing agency.
        m2m_changed.connect(
            bump_catalog_version,
            sender=Organisation.managers.through,
            weak=False,
            dispatch_uid="catalog-managers",
        )

        # A business's public page belongs to the catalog; accounts need not know about it.
        if not hasattr(Organisation, "get_absolute_url"):
            Organisation.get_absolute_url = business_url
        register(AuditAction, GROUP)
        dashboard.register(tiles, position=30)
