"""Figures this app shows on the workspace's front page (accounts.views.home)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from txng.catalog.models import Product, PublicState, Revision, RevisionState


def tiles(user):
    revisions = Revision.objects.visible_to(user)
    products = Product.objects.visible_to(user)
    if user.is_authority:
        return [
            (
                revisions.filter(state=RevisionState.PENDING).count(),
                _("nội dung chờ duyệt"),
                reverse("catalog:queue"),
            ),
        ]
    return [
        (
            products.filter(state=PublicState.PUBLISHED).count(),
            _("sản phẩm đang công bố"),
            reverse("catalog:products"),
        ),
        (
            revisions.filter(state=RevisionState.REJECTED).count(),
            _("bản sửa bị từ chối, cần sửa"),
            reverse("catalog:products"),
        ),
    ]
