from django.apps import AppConfig


class OcopConfig(AppConfig):
    name = "txng.ocop"

    def ready(self):
        from txng.audit.labels import register
        from txng.catalog.models import Product
        from txng.ocop.audit_actions import GROUP, AuditAction
        from txng.ocop.models import Result

        register(AuditAction, GROUP)

        # The product's valid OCOP result, for the catalog's pages (which cannot import this
        # app): stars are never stored on the product, so an expired result simply stops
        # being found.
        def ocop_result(product):
            if not hasattr(product, "_ocop_result"):
                product._ocop_result = Result.objects.for_product(product)
            return product._ocop_result

        if not hasattr(Product, "ocop_result"):
            Product.ocop_result = property(ocop_result)
