"""What reports adds to lower apps' pages through txng.common.slots: its menu links, the
front page's figures, and the hand-over of a chain's data on recalls and tracing requests."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from txng.reports import figures

# The front page shows these figures of the dashboard (the rest are one click away).
HOME_SECTIONS = {
    "province": ("products", "stamps", "scans_month"),
    "agency": ("businesses_status", "products", "scans_month"),
    "business": ("products", "stamps", "scans_month"),
}


def _html(template, request, **context):
    return mark_safe(render_to_string(template, context, request=request))  # noqa: S308


def nav(request, **_context):
    if not request.user.is_authenticated or request.user.organisation_id is None:
        return None
    return _html("reports/_nav.html", request)


def home(request, **_context):
    user = request.user
    if not user.is_authenticated or user.organisation_id is None:
        return None
    today = timezone.localdate()
    scope = figures.Scope.for_user(user, today.replace(month=1, day=1), today)
    wanted = HOME_SECTIONS[scope.level]
    sections = [s for s in figures.sections(scope) if s.key in wanted]
    return _html("reports/_home.html", request, sections=sections, scope=scope)


def recall_actions(request, recall=None, **_context):
    if recall is None or not request.user.is_authority:
        return None
    return _html("reports/_handover.html", request, source="recall", pk=recall.pk)


def request_actions(request, req=None, **_context):
    if req is None or not request.user.is_authority:
        return None
    return _html("reports/_handover.html", request, source="request", pk=req.pk)
