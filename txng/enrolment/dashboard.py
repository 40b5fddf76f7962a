"""Figures this app shows on the workspace's front page (registered in apps.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from txng.enrolment.models import Dossier, DossierState


def tiles(user):
    if not user.is_authority:
        return []
    pending = Dossier.objects.visible_to(user).filter(
        state__in=[DossierState.SUBMITTED, DossierState.RESUBMITTED]
    )
    return [
        (
            pending.count(),
            _("hồ sơ đăng ký chờ xem xét"),
            reverse("enrolment:queue") + "?state=submitted",
        )
    ]
