from django.apps import AppConfig


class ResolverConfig(AppConfig):
    name = "txng.resolver"

    def ready(self):
        from txng.audit.labels import register
        from txng.common import slots
        from txng.resolver.audit_actions import GROUP, AuditAction

        register(AuditAction, GROUP)
        slots.add("workspace.nav", _workspace_nav, position=80)


def _workspace_nav(request, **_ctx):
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    if not (request.user.is_authenticated and request.user.is_dost):
        return None
    return mark_safe(render_to_string("resolver/_nav_authority.html", {}, request))  # noqa: S308
