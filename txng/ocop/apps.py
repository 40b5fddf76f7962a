from django.apps import AppConfig


class OcopConfig(AppConfig):
    name = "txng.ocop"

    def ready(self):
        from txng.audit.labels import register
        from txng.common import slots
        from txng.ocop import pages
        from txng.ocop.audit_actions import GROUP, AuditAction

        register(AuditAction, GROUP)
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
