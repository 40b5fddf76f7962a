"""Units of measure, with the Vietnamese names a reader expects on a page ("gói", not "pack")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    KG = "kg", _("kg")
    G = "g", _("gam")
    TONNE = "t", _("tấn")
    LITRE = "l", _("lít")
    PIECE = "piece", _("cái, chiếc")
    PACK = "pack", _("gói")
    BOX = "box", _("hộp")
    BAG = "bag", _("bao")


def unit_label(code):
    """The unit's Vietnamese name; a free-text unit (a product's "túi") is shown as typed."""
    if code in Unit.values:
        return Unit(code).label
    return code or ""
