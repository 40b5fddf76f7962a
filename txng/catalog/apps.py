from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "txng.catalog"

    def ready(self):
        from txng.accounts.models import Organisation
        from txng.catalog.models import business_url

        # A business's public page belongs to the catalog; accounts need not know about it.
        if not hasattr(Organisation, "get_absolute_url"):
            Organisation.get_absolute_url = business_url
