"""Lots and their EPCIS events. (Anchor model; the tracing issue fills it out.)"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Lot(models.Model):
    business = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("cơ sở"),
        on_delete=models.PROTECT,
        related_name="lots",
    )
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("sản phẩm"),
        on_delete=models.PROTECT,
        related_name="lots",
    )
    code = models.CharField(_("số lô"), max_length=64)
    production_date = models.DateField(_("ngày sản xuất"), null=True, blank=True)
    expiry_date = models.DateField(_("hạn sử dụng"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lô hàng")
        verbose_name_plural = _("lô hàng")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "product", "code"], name="lot_code_unique_per_product"
            )
        ]

    def __str__(self):
        return f"{self.product} — {self.code}"
