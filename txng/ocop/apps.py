from django.apps import AppConfig


class OcopConfig(AppConfig):
    name = "txng.ocop"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from txng.audit.labels import register
        from txng.catalog.cache import CATALOG_VERSION
        from txng.common import slots
        from txng.ocop import pages
        from txng.ocop.audit_actions import GROUP, AuditAction
        from txng.ocop.models import Result
        from txng.stamps.lookup import ORDER_VERSION

        register(AuditAction, GROUP)
        # The scan page's frame is cached under the stamps' order version: a new, changed or
        # revoked result renders it again (an expiry by date is seen within FRAME_SECONDS).
        for signal in (post_save, post_delete):
            signal.connect(
                ORDER_VERSION.bump, sender=Result, weak=False, dispatch_uid=f"ocop-{signal}"
            )
            # Product cards on the cached home and search pages show the stars too (their keys
            # hold the date, for results that lapse).
            signal.connect(
                CATALOG_VERSION.bump,
                sender=Result,
                weak=False,
                dispatch_uid=f"ocop-catalog-{id(signal)}",
            )
        slots.add(
            "product_page.summary",
            pages.product_summary,
            position=20,
            version=pages.results_version,
        )
        slots.add("product_card.badges", pages.card_badge, position=20)
        slots.add("scan_page.main", pages.scan_main, position=20)
        slots.add("business_page.summary", pages.business_badge, position=20)
        slots.add("workspace.nav", pages.workspace_nav, position=60)
