from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "txng.public"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from txng.audit.labels import register
        from txng.public.audit_actions import GROUP, AuditAction
        from txng.public.cache import NEWS_VERSION
        from txng.public.models import Article, Banner, Section

        register(AuditAction, GROUP)
        for model in (Article, Banner, Section):
            for signal in (post_save, post_delete):
                signal.connect(
                    NEWS_VERSION.bump,
                    sender=model,
                    weak=False,
                    dispatch_uid=f"news-{model.__name__}-{id(signal)}",
                )
