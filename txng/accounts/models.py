"""Organisations (DOST, departments, communes, businesses), their users and who manages whom."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from txng.accounts.identifiers import validate_tax_code
from txng.common import limits
from txng.common.access import RestrictedQuerySet


class OrgKind(models.TextChoices):
    DOST = "dost", _("Sở Khoa học và Công nghệ")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    COMMUNE = "commune", _("Xã, phường")
    BUSINESS = "business", _("Cơ sở sản xuất, kinh doanh")


class BusinessType(models.TextChoices):
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    HOUSEHOLD = "household", _("Hộ kinh doanh")


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("Đang hoạt động")
    LOCKED = "locked", _("Bị khóa")
    REVOKED = "revoked", _("Đã thu hồi")


AUTHORITY_KINDS = (OrgKind.DOST, OrgKind.DEPARTMENT, OrgKind.COMMUNE)


class OrganisationQuerySet(RestrictedQuerySet):
    def authorities(self):
        return self.filter(kind__in=AUTHORITY_KINDS)

    def businesses(self):
        return self.filter(kind=OrgKind.BUSINESS)

    def agencies(self):
        """Departments and communes: the bodies that can manage a business."""
        return self.filter(kind__in=(OrgKind.DEPARTMENT, OrgKind.COMMUNE), parent__isnull=True)

    def visible_to(self, user):
        """Organisations a user may see in the workspace."""
        if not user.is_authenticated:
            return self.none()
        org = user.organisation
        if org.kind == OrgKind.DOST:
            return self.all()
        if org.is_authority:
            root = org.root
            return self.filter(Q(pk=root.pk) | Q(parent=root) | Q(managers=root)).distinct()
        return self.filter(pk=org.pk)

    def manage_rule(self, user):
        """Businesses the user's authority may lock, revoke, and act for."""
        if not (user.is_authenticated and user.is_authority):
            return self.none()
        return self.managed_by(user.organisation)

    def managed_by(self, agency):
        """Businesses a given authority may act on (DOST: all of them)."""
        qs = self.businesses()
        if agency.kind == OrgKind.DOST:
            return qs
        return qs.filter(managers=agency.root)


class Organisation(models.Model):
    kind = models.CharField(_("loại"), max_length=20, choices=OrgKind.choices)
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=50, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        help_text=_("Phòng ban trực thuộc một sở, ban, ngành."),
    )
    business_type = models.CharField(
        _("loại hình"), max_length=20, choices=BusinessType.choices, blank=True
    )
    tax_code = models.CharField(
        _("mã số thuế"), max_length=14, blank=True, validators=[validate_tax_code]
    )
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    commune = models.ForeignKey(
        "self",
        verbose_name=_("xã, phường"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_businesses",
        limit_choices_to={"kind": OrgKind.COMMUNE},
    )
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    representative = models.CharField(_("người đại diện"), max_length=255, blank=True)
    managers = models.ManyToManyField(
        "self",
        verbose_name=_("cơ quan chủ quản"),
        symmetrical=False,
        blank=True,
        related_name="managed_businesses",
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=OrgStatus.choices, default=OrgStatus.ACTIVE
    )
    status_reason = models.TextField(_("lý do"), blank=True, max_length=limits.REASON)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("tổ chức")
        verbose_name_plural = _("tổ chức")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=Q(kind="business") & ~Q(tax_code=""),
                name="unique_business_tax_code",
                violation_error_message=_("Đã có cơ sở khác dùng mã số thuế này."),
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="dost"), name="one_dost_per_instance"
            ),
            models.CheckConstraint(
                condition=Q(kind="business") | Q(business_type=""),
                name="business_type_only_for_businesses",
            ),
            models.CheckConstraint(
                condition=~Q(kind="business") | ~Q(business_type=""),
                name="business_has_a_type",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_authority(self):
        return self.kind in AUTHORITY_KINDS

    @property
    def is_dost(self):
        return self.kind == OrgKind.DOST

    @property
    def is_business(self):
        return self.kind == OrgKind.BUSINESS

    @property
    def root(self):
        """A department's sub-unit acts for its department."""
        return self.parent if self.parent_id else self

    @property
    def is_active(self):
        return self.status == OrgStatus.ACTIVE

    def clean(self):
        if self.kind == OrgKind.BUSINESS:
            if not self.business_type:
                raise ValidationError({"business_type": _("Chọn loại hình cơ sở.")})
            if self.tax_code:
                clash = Organisation.objects.filter(
                    kind=OrgKind.BUSINESS, tax_code=self.tax_code
                ).exclude(pk=self.pk)
                if clash.exists():
                    raise ValidationError({"tax_code": _("Đã có cơ sở khác dùng mã số thuế này.")})
        elif self.business_type:
            raise ValidationError({"business_type": _("Chỉ cơ sở mới có loại hình.")})
        if self.parent_id and (self.kind != OrgKind.DEPARTMENT or self.parent.kind != self.kind):
            raise ValidationError({"parent": _("Chỉ đơn vị trực thuộc sở, ban, ngành.")})

    def can_be_managed_by(self, agency):
        """True when `agency` (or its parent department) may act on this business."""
        if agency.kind == OrgKind.DOST:
            return True
        if not agency.is_authority:
            return False
        return self.managers.filter(pk=agency.root.pk).exists()


class Role(models.TextChoices):
    OWNER = "owner", _("Chủ cơ sở")
    STAFF = "staff", _("Nhân viên")
    HEAD = "head", _("Lãnh đạo")
    OFFICER = "officer", _("Cán bộ")


BUSINESS_ROLES = (Role.OWNER, Role.STAFF)
AUTHORITY_ROLES = (Role.HEAD, Role.OFFICER)


class User(AbstractUser):
    """A person's one account (Cao Bằng Art. 3.6): one organisation, one role in it."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("tổ chức"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,  # only for the superuser created by `createsuperuser`
        blank=True,
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, blank=True)
    full_name = models.CharField(_("họ và tên"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    removed_at = models.DateTimeField(_("ngày thôi"), null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self):
        return self.full_name or self.username

    def clean(self):
        super().clean()
        org = self.organisation
        if org is None:
            return
        allowed = BUSINESS_ROLES if org.is_business else AUTHORITY_ROLES
        if self.role not in allowed:
            raise ValidationError({"role": _("Vai trò không hợp với loại tổ chức.")})

    @property
    def is_authority(self):
        return bool(self.organisation_id) and self.organisation.is_authority

    @property
    def is_dost(self):
        return bool(self.organisation_id) and self.organisation.is_dost

    @property
    def is_business(self):
        return bool(self.organisation_id) and self.organisation.is_business

    @property
    def is_owner(self):
        return self.is_business and self.role == Role.OWNER


class NotificationKind(models.TextChoices):
    """What a notice is about: each user chooses, per kind, how it reaches them."""

    GENERAL = "general", _("Thông báo khác")
    ACCOUNT = "account", _("Tài khoản của cơ sở")
    SECURITY = "security", _("Bảo mật tài khoản")
    REVIEW_WAITING = "review_waiting", _("Việc chờ duyệt")
    DOSSIER_DECIDED = "dossier_decided", _("Kết quả hồ sơ đăng ký")
    REVISION_DECIDED = "revision_decided", _("Kết quả duyệt nội dung")
    CONTENT_TAKEN_DOWN = "content_taken_down", _("Nội dung bị gỡ")
    DOCUMENT_EXPIRING = "document_expiring", _("Tài liệu sắp hết hiệu lực")
    ORDER_DECIDED = "order_decided", _("Đơn in tem")
    STAMP_ALERT = "stamp_alert", _("Cảnh báo tem")
    SHIPMENT_WAITING = "shipment_waiting", _("Hàng chờ xác nhận nhận")
    SHIPMENT_UPDATED = "shipment_updated", _("Hàng đã nhận, trả lại")
    STOCK_ALERT = "stock_alert", _("Điều chỉnh tồn kho lớn")
    RECALL = "recall", _("Thu hồi sản phẩm")
    TRACING_REQUEST = "tracing_request", _("Yêu cầu truy xuất")
    CASE_ASSIGNED = "case_assigned", _("Phản ánh được giao xử lý")
    CASE_UPDATED = "case_updated", _("Tiến độ xử lý phản ánh")
    COMMENT_TO_ANSWER = "comment_to_answer", _("Bình luận cần trả lời")
    OCOP_DECIDED = "ocop_decided", _("Kết quả đánh giá OCOP")
    OCOP_EXPIRING = "ocop_expiring", _("Kết quả OCOP sắp hết hạn")
    CERTIFICATE = "certificate", _("Giấy xác nhận tham gia hệ thống")
    REPORT_DUE = "report_due", _("Báo cáo định kỳ sắp đến hạn")
    REPORT_DECIDED = "report_decided", _("Kết quả tiếp nhận báo cáo")
    HUB_FAILED = "hub_failed", _("Lỗi đồng bộ hệ thống quốc gia")


class Delivery(models.TextChoices):
    INSTANT = "instant", _("Gửi email ngay")
    DIGEST = "digest", _("Gộp vào email hằng ngày")
    IN_APP = "in_app", _("Chỉ xem trên hệ thống")


class Notification(models.Model):
    """An in-app message to an organisation (every user of it sees it)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(
        max_length=30, choices=NotificationKind.choices, default=NotificationKind.GENERAL
    )
    message = models.CharField(max_length=500)
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "read_at"])]

    def __str__(self):
        return self.message


class NotificationPreference(models.Model):
    """How one kind of notice reaches one user; without a row, the kind's default applies."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind"),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values), name="notification_delivery_known"
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.kind}: {self.delivery}"


class LoginFailure(models.Model):
    """Failed logins, for rate limiting that survives restarts and works across workers."""

    username = models.CharField(max_length=150)
    ip = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        # Throttling always asks about one address (txng/accounts/forms.py).
        indexes = [models.Index(fields=["ip", "username", "at"]), models.Index(fields=["ip", "at"])]

    def __str__(self):
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"
