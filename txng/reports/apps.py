from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "txng.reports"

    def ready(self):
        from txng.accounts import dashboard
        from txng.audit.labels import register
        from txng.common import slots
        from txng.reports import exports, figures, sources
        from txng.reports import slots as report_slots
        from txng.reports.audit_actions import GROUP, AuditAction
        from txng.reports.dashboard import tiles

        register(AuditAction, GROUP)
        # figures registers the lower apps' figures on import; these are feedback's and ocop's.
        figures.register("cases", sources.case_sections, position=50)
        figures.register("ocop", sources.ocop_sections, position=60)
        exports.register_source("case", sources.CASE_SOURCE)
        dashboard.register(tiles, position=5)
        slots.add("workspace.nav", report_slots.nav, position=60)
        slots.add("workspace.home", report_slots.home, position=10)
        slots.add("recall.actions", report_slots.recall_actions, position=50)
        slots.add("tracing_request.actions", report_slots.request_actions, position=50)
        slots.add("case.actions", sources.case_actions, position=50)
