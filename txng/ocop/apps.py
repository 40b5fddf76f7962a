from django.apps import AppConfig


class OcopConfig(AppConfig):
    name = "txng.ocop"

    def ready(self):
        from txng.accounts.models import Organisation
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

        # The business's valid participation certificate, for its public page's badge.
        def txng_certificate(org):
            from txng.ocop.models import CertState

            if not hasattr(org, "_txng_certificate"):
                certs = org.txng_certificates.filter(revoked_at__isnull=True)
                org._txng_certificate = next(
                    (c for c in certs if c.status()[0] == CertState.VALID), None
                )
            return org._txng_certificate

        if not hasattr(Organisation, "txng_certificate"):
            Organisation.txng_certificate = property(txng_certificate)
