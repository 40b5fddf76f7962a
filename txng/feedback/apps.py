from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "txng.feedback"

    def ready(self):
        from txng.accounts import dashboard
        from txng.audit.labels import register
        from txng.feedback import pages
        from txng.feedback.audit_actions import GROUP, AuditAction
        from txng.feedback.dashboard import tiles
        from txng.feedback.fake_reports import case_from_fake_report
        from txng.stamps import hooks

        register(AuditAction, GROUP)
        dashboard.register(tiles, position=60)
        # stamps sits below feedback: it tells whoever listens that a fake report came in.
        hooks.register_report_receiver(case_from_fake_report)
        pages.register()
        from txng.common import business_conditions
        from txng.feedback.conditions import no_open_case

        business_conditions.register("feedback.no_open_case", no_open_case)
        from txng.accounts import actions as accounts_actions
        from txng.feedback.tasks import queue_instant

        if queue_instant not in accounts_actions.NOTICE_LISTENERS:
            accounts_actions.NOTICE_LISTENERS.append(queue_instant)
