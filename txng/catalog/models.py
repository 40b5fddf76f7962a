"""Products, categories and facilities. (Anchor models; the catalog issue fills them out.)"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A node of the product category tree that DOST manages."""

    name = models.CharField(_("tên"), max_length=200)
    slug = models.SlugField(_("đường dẫn"), max_length=200, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("nhóm cha"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("danh mục")
        verbose_name_plural = _("danh mục")
        ordering = ["name"]

    def __str__(self):
        return self.name


class FacilityKind(models.TextChoices):
    FARM = "farm", _("Vùng trồng, trang trại")
    WORKSHOP = "workshop", _("Xưởng sản xuất, chế biến")
    WAREHOUSE = "warehouse", _("Kho")
    SHOP = "shop", _("Cửa hàng")


class Facility(models.Model):
    """A production area, workshop, warehouse or shop of a business (a location to trace)."""

    business = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("cơ sở"),
        on_delete=models.PROTECT,
        related_name="facilities",
    )
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=20, choices=FacilityKind.choices)
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    commune = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("xã, phường"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    gln = models.CharField(_("mã địa điểm toàn cầu (GLN)"), max_length=13, blank=True)

    class Meta:
        verbose_name = _("địa điểm")
        verbose_name_plural = _("địa điểm")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Product(models.Model):
    business = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("cơ sở"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    name = models.CharField(_("tên sản phẩm"), max_length=255)
    category = models.ForeignKey(
        Category,
        verbose_name=_("danh mục"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
    )
    gtin = models.CharField(_("mã GTIN"), max_length=14, blank=True, db_index=True)
    facility = models.ForeignKey(
        Facility,
        verbose_name=_("nơi sản xuất"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sản phẩm")
        verbose_name_plural = _("sản phẩm")
        ordering = ["name"]

    def __str__(self):
        return self.name
