"""Products, categories, facilities, documents, business profiles and their approved revisions.

What the public sees lives on the Product / BusinessProfile rows. A business edits a Revision
(its data as JSON); the managing agency approves it and only then is it copied onto the row, so
a published product stays as approved while the next change waits. Every approved revision is
kept, which is how versions are compared.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from txng.accounts.models import OrgKind, OrgStatus
from txng.accounts.querysets import BusinessOwnedQuerySet
from txng.catalog.identifiers import validate_gln, validate_gtin
from txng.catalog.text import normalise
from txng.common import limits, links


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
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def clean(self):
        node, seen = self.parent, {self.pk}
        while node is not None:
            if node.pk in seen:
                raise ValidationError({"parent": _("Nhóm cha tạo thành vòng lặp.")})
            seen.add(node.pk)
            node = node.parent

    def descendant_ids(self):
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(
                Category.objects.filter(parent__in=frontier).values_list("pk", flat=True)
            )
            ids += frontier
        return ids


class FacilityKind(models.TextChoices):
    FARM = "farm", _("Vùng trồng, trang trại")
    WORKSHOP = "workshop", _("Xưởng sản xuất, chế biến")
    WAREHOUSE = "warehouse", _("Kho")
    SHOP = "shop", _("Cửa hàng")


class FacilityQuerySet(BusinessOwnedQuerySet):
    pass


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
        limit_choices_to={"kind": OrgKind.COMMUNE},
    )
    gln = models.CharField(
        _("mã địa điểm toàn cầu (GLN)"), max_length=13, blank=True, validators=[validate_gln]
    )
    latitude = models.DecimalField(
        _("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    area = models.CharField(
        _("diện tích"), max_length=100, blank=True, help_text=_("Ví dụ: 2,5 ha")
    )
    certifications = models.CharField(
        _("chứng nhận"),
        max_length=300,
        blank=True,
        help_text=_("Ví dụ: VietGAP, hữu cơ TCVN 11041, ISO 22000"),
    )

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("địa điểm")
        verbose_name_plural = _("địa điểm")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="facility_gps_in_range",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": _("Cần nhập cả vĩ độ và kinh độ.")})

    @property
    def has_gps(self):
        return self.latitude is not None and self.longitude is not None

    @property
    def embed_map_url(self):
        if not self.has_gps:
            return ""
        lat, lon, d = float(self.latitude), float(self.longitude), 0.01
        return (
            "https://www.openstreetmap.org/export/embed.html?bbox="
            f"{lon - d:.5f}%2C{lat - d:.5f}%2C{lon + d:.5f}%2C{lat + d:.5f}"
            f"&layer=mapnik&marker={lat:.5f}%2C{lon:.5f}"
        )

    @property
    def map_url(self):
        if not self.has_gps:
            return ""
        return (
            f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
            f"#map=15/{self.latitude}/{self.longitude}"
        )


class PublicState(models.TextChoices):
    DRAFT = "draft", _("Chưa công bố")
    PUBLISHED = "published", _("Đang công bố")
    WITHDRAWN = "withdrawn", _("Đã bị gỡ")


class ProductQuerySet(BusinessOwnedQuerySet):
    def published(self):
        """Publicly visible: approved at least once, not taken down, producer still active."""
        return self.filter(
            state=PublicState.PUBLISHED,
            business__status=OrgStatus.ACTIVE,
        )

    def search(self, query):
        from txng.catalog.search import search_products

        return search_products(self, query)


def product_image_path(instance, filename):
    # Private until approved: catalog/media.py moves the file under public/ (which the web
    # server serves) in the approval, and back on takedown.
    return f"private/products/{instance.product_id}/{filename}"


class Product(models.Model):
    business = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("cơ sở"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    name = models.CharField(_("tên sản phẩm"), max_length=255)
    slug = models.SlugField(_("đường dẫn"), max_length=255, blank=True, allow_unicode=False)
    category = models.ForeignKey(
        Category,
        verbose_name=_("danh mục"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
    )
    gtin = models.CharField(
        _("mã GTIN"), max_length=14, blank=True, db_index=True, validators=[validate_gtin]
    )
    facility = models.ForeignKey(
        Facility,
        verbose_name=_("nơi sản xuất"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
    )
    description = models.TextField(_("mô tả"), blank=True, max_length=limits.DESCRIPTION)
    brand = models.CharField(_("nhãn hiệu"), max_length=200, blank=True)
    unit = models.CharField(_("đơn vị tính"), max_length=50, blank=True, help_text=_("Ví dụ: gói"))
    net_content = models.CharField(
        _("khối lượng, thể tích tịnh"), max_length=100, blank=True, help_text=_("Ví dụ: 500 g")
    )
    ingredients = models.TextField(_("thành phần"), blank=True, max_length=limits.DESCRIPTION)
    standards = models.CharField(
        _("tiêu chuẩn áp dụng"),
        max_length=300,
        blank=True,
        help_text=_("Số TCVN, QCVN hoặc tiêu chuẩn cơ sở, ví dụ: TCCS 01:2024/HTX"),
    )
    shelf_life = models.CharField(
        _("hạn sử dụng"), max_length=100, blank=True, help_text=_("Ví dụ: 12 tháng kể từ NSX")
    )
    storage = models.CharField(_("điều kiện bảo quản"), max_length=300, blank=True)
    state = models.CharField(
        _("trạng thái công bố"),
        max_length=20,
        choices=PublicState.choices,
        default=PublicState.DRAFT,
        db_index=True,
    )
    withdrawn_reason = models.TextField(_("lý do gỡ"), blank=True, max_length=limits.REASON)
    featured = models.BooleanField(_("nổi bật trên trang chủ"), default=False)
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("ngày công bố"), null=True, blank=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("sản phẩm")
        verbose_name_plural = _("sản phẩm")
        ordering = ["name"]
        indexes = [models.Index(fields=["state", "-published_at"], name="product_public_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="withdrawn") | ~Q(withdrawn_reason=""),
                name="withdrawn_product_has_reason",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.slug = slugify(normalise(self.name))[:200] or "san-pham"
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "slug", "search_text"}
        super().save(*args, **kwargs)
        SearchWord.objects.bulk_create(
            [SearchWord(word=w) for w in search_words(self.search_text)], ignore_conflicts=True
        )

    def get_absolute_url(self):
        return reverse("catalog:product", args=[self.pk, self.slug or "san-pham"])

    def build_search_text(self):
        parts = [self.name, self.brand, self.gtin]
        if self.business_id:
            parts.append(self.business.name)
        if self.category_id:
            parts.append(self.category.name)
        return normalise(" ".join(p for p in parts if p))

    @property
    def size_label(self):
        """'500 g / túi': net content and selling unit, the unit named once even when the
        business already typed it into the net content ('500 g/túi')."""
        net, unit = self.net_content.strip(), self.unit.strip()
        if not (net and unit):
            return net or unit
        squeezed = "".join(net.split()).casefold()
        if squeezed.endswith("/" + "".join(unit.split()).casefold()):
            return net
        return f"{net} / {unit}"

    @property
    def is_public(self):
        return self.state == PublicState.PUBLISHED and self.business.status == OrgStatus.ACTIVE

    @cached_property
    def public_images(self):
        return [i for i in self.images.all() if i.approved]

    @property
    def main_image_url(self):
        images = self.public_images
        return images[0].image.url if images else None

    @property
    def main_thumb_url(self):
        images = self.public_images
        return images[0].thumb_url if images else None

    @property
    def gtin_country(self):
        return _("Việt Nam") if self.gtin and self.gtin.zfill(13)[:3] == "893" else ""

    def public_documents(self):
        return self.documents.filter(approved=True)

    @property
    def circular_items(self):
        from txng.catalog.facts import basic_items

        return basic_items(self)

    @property
    def missing_items(self):
        from txng.catalog.facts import missing_items

        return missing_items(self)


def search_words(text):
    """The words of a normalised search text worth correcting a typo towards: letters only
    (no GTINs or numbers), three or more (shorter ones have no trigram)."""
    return {w for w in text.split() if w.isalpha() and 3 <= len(w) <= 60}


class SearchWord(models.Model):
    """Every word of the products' search texts: a misspelt word of a query is corrected to its
    nearest words here (pg_trgm, migration 0004) before the products are searched, which reads
    a few thousand short rows instead of measuring similarity against every product."""

    word = models.CharField(max_length=60, unique=True)

    def __str__(self):
        return self.word


class ProductImage(models.Model):
    """Images are re-encoded on upload; the first approved one is the main image."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("ảnh"), upload_to=product_image_path, max_length=300)
    thumb = models.ImageField(upload_to=product_image_path, max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # An image added to a published product waits for the next approval like any other change.
    approved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.image.name

    @property
    def thumb_url(self):
        return (self.thumb or self.image).url


class DocumentType(models.TextChoices):
    CONFORMITY = "conformity", _("Giấy chứng nhận hợp chuẩn, hợp quy")
    FOOD_SAFETY = "food_safety", _("Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm")
    TEST_RESULT = "test_result", _("Phiếu kết quả thử nghiệm")
    TRADEMARK = "trademark", _("Giấy chứng nhận đăng ký nhãn hiệu")
    DECLARATION = "declaration", _("Bản tự công bố chất lượng")
    LABEL = "label", _("Nhãn sản phẩm")
    IMAGE = "image", _("Hình ảnh")
    OTHER = "other", _("Khác")


def document_path(instance, filename):
    return f"catalog/documents/{instance.business_id}/{filename}"


class Document(models.Model):
    """A certificate, test result, label... of a business, or of one of its products."""

    business = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="documents"
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("sản phẩm"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
    )
    kind = models.CharField(_("loại tài liệu"), max_length=20, choices=DocumentType.choices)
    number = models.CharField(_("số hiệu"), max_length=100, blank=True)
    issuer = models.CharField(_("cơ quan cấp"), max_length=255, blank=True)
    issued_on = models.DateField(_("ngày cấp"), null=True, blank=True)
    expires_on = models.DateField(_("ngày hết hiệu lực"), null=True, blank=True, db_index=True)
    file = models.FileField(_("tệp"), upload_to=document_path, max_length=300)
    # Public only once approved with the product's (or profile's) next revision.
    approved = models.BooleanField(default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BusinessOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("tài liệu")
        verbose_name_plural = _("tài liệu")
        ordering = ["kind", "-issued_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(expires_on__gte=models.F("issued_on")),
                name="document_expires_after_issue",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}".strip()

    def get_absolute_url(self):
        return reverse("catalog:document", args=[self.pk])

    def clean(self):
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            raise ValidationError({"expires_on": _("Ngày hết hiệu lực phải sau ngày cấp.")})
        if self.product_id and self.product.business_id != self.business_id:
            raise ValidationError({"product": _("Sản phẩm không thuộc cơ sở này.")})

    @property
    def is_expired(self):
        return bool(self.expires_on and self.expires_on < timezone.localdate())


def logo_path(instance, filename):
    return f"public/logos/{instance.business_id}/{filename}"


class BusinessProfile(models.Model):
    """What a business says about itself publicly, beyond its registration data."""

    business = models.OneToOneField(
        "accounts.Organisation",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="profile",
    )
    slug = models.SlugField(max_length=255, blank=True)
    english_name = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    licence_number = models.CharField(
        _("số giấy chứng nhận đăng ký kinh doanh"), max_length=100, blank=True
    )
    website = models.URLField(_("trang web"), blank=True, validators=[links.validate_web_url])
    description = models.TextField(_("giới thiệu"), blank=True, max_length=limits.DESCRIPTION)
    logo = models.ImageField(
        _("biểu trưng (logo)"), upload_to=logo_path, blank=True, max_length=300
    )
    state = models.CharField(
        max_length=20, choices=PublicState.choices, default=PublicState.PUBLISHED
    )
    withdrawn_reason = models.TextField(_("lý do gỡ"), blank=True, max_length=limits.REASON)
    featured = models.BooleanField(_("nổi bật trên trang chủ"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return str(self.business)

    def save(self, *args, **kwargs):
        self.slug = slugify(normalise(self.business.name))[:200] or "co-so"
        super().save(*args, **kwargs)


def business_url(org):
    """The public page of a business (Organisation has no URL of its own in accounts)."""
    return reverse("catalog:business", args=[org.pk, slugify(normalise(org.name))[:200] or "co-so"])


class RevisionState(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    REJECTED = "rejected", _("Bị từ chối")


OPEN_STATES = (RevisionState.DRAFT, RevisionState.PENDING, RevisionState.REJECTED)

# Which action may start from which state, and where it leads.
TRANSITIONS = {
    "submit": ((RevisionState.DRAFT, RevisionState.REJECTED), RevisionState.PENDING),
    "approve": ((RevisionState.PENDING,), RevisionState.APPROVED),
    "reject": ((RevisionState.PENDING,), RevisionState.REJECTED),
}


class RevisionQuerySet(BusinessOwnedQuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)


class Revision(models.Model):
    """One version of a product or of a business profile, as the business wrote it."""

    business = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="revisions"
    )
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(default=1)
    state = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=RevisionState.choices,
        default=RevisionState.DRAFT,
        db_index=True,
    )
    data = models.JSONField(default=dict)
    note = models.TextField(_("ghi chú gửi cơ quan duyệt"), blank=True, max_length=limits.REASON)
    reason = models.TextField(_("lý do từ chối"), blank=True, max_length=limits.REASON)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(reason=""), name="rejected_revision_has_reason"
            ),
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(state__in=["draft", "pending", "rejected"], product__isnull=False),
                name="one_open_revision_per_product",
            ),
            models.UniqueConstraint(
                fields=["business"],
                condition=Q(state__in=["draft", "pending", "rejected"], product__isnull=True),
                name="one_open_revision_per_profile",
            ),
        ]

    def __str__(self):
        target = self.product or _("Hồ sơ cơ sở")
        return f"{target} — {_('phiên bản')} {self.number}"

    @property
    def is_profile(self):
        return self.product_id is None

    @property
    def title(self):
        return self.data.get("name") or str(self.product or self.business)
