"""Figures on the workspace's front page: open and overdue cases."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from txng.feedback.models import Case


def tiles(user):
    cases = Case.objects.visible_to(user)
    if user.is_authority:
        return [
            (cases.open().count(), _("phản ánh đang xử lý"), reverse("feedback:cases")),
            (
                cases.overdue().count(),
                _("phản ánh quá hạn"),
                reverse("feedback:cases") + "?state=overdue",
            ),
        ]
    if user.is_business:
        waiting = cases.open().filter(explained_at__isnull=True).count()
        return [(waiting, _("phản ánh cần giải trình"), reverse("feedback:cases"))]
    return []
