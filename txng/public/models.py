"""Portal content: news and articles in sections, banners, and the supply–demand board."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from txng.accounts.models import OrgKind
from txng.accounts.querysets import BusinessOwnedQuerySet
from txng.catalog.text import normalise
from txng.common import limits, links
from txng.common.access import RestrictedQuerySet


class Section(models.Model):
    """A heading news and articles are filed under (Tin tức, Chính sách, Hướng dẫn...)."""

    name = models.CharField(_("tên chuyên mục"), max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("chuyên mục")

    def __str__(self):
        return self.name


class ArticleQuerySet(RestrictedQuerySet):
    def published(self):
        return self.filter(is_published=True, published_at__lte=timezone.now())

    def visible_to(self, user):
        """Workspace: DOST sees all; a department its own organisation's posts."""
        if not (user.is_authenticated and user.is_authority):
            return self.none()
        if user.is_dost:
            return self.all()
        return self.filter(author_org=user.organisation.root)

    def change_rule(self, user):
        return self.visible_to(user)


def article_image_path(instance, filename):
    return f"public/news/{filename}"


class Article(models.Model):
    section = models.ForeignKey(
        Section, verbose_name=_("chuyên mục"), on_delete=models.PROTECT, related_name="articles"
    )
    title = models.CharField(_("tiêu đề"), max_length=255)
    slug = models.SlugField(max_length=255, blank=True)
    summary = models.CharField(_("tóm tắt"), max_length=500, blank=True)
    body = models.TextField(
        _("nội dung"),
        help_text=_("Định dạng đơn giản; mã lạ sẽ bị loại bỏ."),
        max_length=limits.ARTICLE,
    )
    image = models.ImageField(_("ảnh đại diện"), upload_to=article_image_path, blank=True)
    author_org = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="articles"
    )
    is_published = models.BooleanField(_("đăng"), default=True)
    published_at = models.DateTimeField(_("ngày đăng"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("bài viết")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.slug = slugify(normalise(self.title))[:200] or "bai-viet"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("public:article", args=[self.pk, self.slug])


def banner_path(instance, filename):
    return f"public/banners/{filename}"


class BannerQuerySet(models.QuerySet):
    def current(self):
        now = timezone.now()
        return self.filter(Q(starts_at__lte=now), Q(ends_at__isnull=True) | Q(ends_at__gt=now))


class Banner(models.Model):
    title = models.CharField(_("tiêu đề"), max_length=200)
    image = models.ImageField(_("ảnh"), upload_to=banner_path)
    link = models.CharField(
        _("liên kết"), max_length=500, blank=True, validators=[links.validate_link]
    )
    starts_at = models.DateTimeField(_("bắt đầu"), default=timezone.now)
    ends_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = BannerQuerySet.as_manager()

    class Meta:
        ordering = ["position", "-starts_at"]
        verbose_name = _("ảnh quảng bá")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="banner_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title


class PostKind(models.TextChoices):
    OFFER = "offer", _("Cần bán")
    REQUEST = "request", _("Cần mua")


class PostState(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    PUBLISHED = "published", _("Đang đăng")
    REJECTED = "rejected", _("Bị từ chối")
    WITHDRAWN = "withdrawn", _("Đã bị gỡ")


POST_TRANSITIONS = {
    "approve": ((PostState.PENDING,), PostState.PUBLISHED),
    "reject": ((PostState.PENDING,), PostState.REJECTED),
    "take_down": ((PostState.PUBLISHED,), PostState.WITHDRAWN),
    "resubmit": ((PostState.REJECTED,), PostState.PENDING),
}


class PostQuerySet(BusinessOwnedQuerySet):
    def published(self):
        """Approved and not yet expired: expiry needs no job, the date does it."""
        return self.filter(
            state=PostState.PUBLISHED,
            expires_on__gte=timezone.localdate(),
            business__status="active",
        )


class Post(models.Model):
    """An offer to sell or a request to buy (kết nối cung cầu)."""

    business = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="board_posts",
        limit_choices_to={"kind": OrgKind.BUSINESS},
    )
    kind = models.CharField(_("loại tin"), max_length=10, choices=PostKind.choices)
    product_name = models.CharField(_("sản phẩm"), max_length=255)
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("sản phẩm đã công bố"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="board_posts",
    )
    quantity = models.CharField(_("số lượng"), max_length=100, help_text=_("Ví dụ: 5 tấn"))
    period = models.CharField(
        _("thời gian cung ứng"), max_length=100, blank=True, help_text=_("Ví dụ: tháng 9–11")
    )
    area = models.CharField(_("khu vực"), max_length=200, blank=True)
    contact = models.CharField(_("liên hệ"), max_length=255)
    details = models.TextField(_("chi tiết"), blank=True, max_length=limits.DESCRIPTION)
    expires_on = models.DateField(_("hết hạn đăng"))
    state = models.CharField(
        _("trạng thái"), max_length=20, choices=PostState.choices, default=PostState.PENDING
    )
    reason = models.TextField(_("lý do"), blank=True, max_length=limits.REASON)
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tin cung cầu")
        constraints = [
            models.CheckConstraint(
                condition=~Q(state__in=["rejected", "withdrawn"]) | ~Q(reason=""),
                name="post_rejection_has_reason",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.product_name}"

    def save(self, *args, **kwargs):
        self.search_text = normalise(f"{self.product_name} {self.area} {self.details}")
        super().save(*args, **kwargs)

    @property
    def is_expired(self):
        return self.expires_on < timezone.localdate()
