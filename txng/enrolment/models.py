"""Registration dossiers (Phiếu đăng ký tham gia, Cao Bằng Art. 5–6) and their review history."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from txng.accounts.identifiers import validate_tax_code
from txng.accounts.models import BusinessType, OrgKind
from txng.common import limits
from txng.common.access import RestrictedQuerySet
from txng.common.codes import random_code


class DossierState(models.TextChoices):
    SUBMITTED = "submitted", _("Đã nộp, chờ xem xét")
    NEEDS_SUPPLEMENT = "needs_supplement", _("Cần bổ sung")
    RESUBMITTED = "resubmitted", _("Đã nộp bổ sung, chờ xem xét")
    APPROVED = "approved", _("Đã duyệt")
    REJECTED = "rejected", _("Bị từ chối")


# The review state machine: which state each action may start from and where it leads.
REVIEWABLE = (DossierState.SUBMITTED, DossierState.RESUBMITTED)
TRANSITIONS = {
    "approve": (REVIEWABLE, DossierState.APPROVED),
    "ask_supplement": (REVIEWABLE, DossierState.NEEDS_SUPPLEMENT),
    "reject": (REVIEWABLE, DossierState.REJECTED),
    "resubmit": ((DossierState.NEEDS_SUPPLEMENT,), DossierState.RESUBMITTED),
}


class Purpose(models.TextChoices):
    REPUTATION = "reputation", _("Nâng cao uy tín, chất lượng sản phẩm hàng hóa trên thị trường")
    SAFETY = "safety", _("Tăng cường khả năng quản lý, kiểm soát chất lượng và an toàn thực phẩm")
    TRANSPARENCY = (
        "transparency",
        _("Đáp ứng yêu cầu của người tiêu dùng về thông tin minh bạch sản phẩm, hàng hóa"),
    )
    VALUE_CHAIN = (
        "value_chain",
        _("Thúc đẩy liên kết sản xuất và tiêu thụ sản phẩm theo chuỗi giá trị"),
    )


# The annex form's fields an applicant fills in (and may change when asked for a supplement).
APPLICANT_FIELDS = [
    "name",
    "address",
    "commune",
    "phone",
    "email",
    "tax_code",
    "representative",
    "business_type",
    "production_area",
    "capacity",
    "products",
    "purposes",
    "other_purpose",
]


def new_tracking_code():
    return random_code(12)


def licence_path(instance, filename):
    return f"enrolment/{instance.tracking_code}/{filename}"


class DossierQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        """DOST sees every dossier; an agency sees those addressed to it, from its communes'
        applicants, or for businesses it manages; nobody else sees any."""
        if not (user.is_authenticated and user.is_authority):
            return self.none()
        org = user.organisation.root
        if org.kind == OrgKind.DOST:
            return self.all()
        return self.filter(
            Q(addressed_to=org) | Q(commune=org) | Q(business__managers=org)
        ).distinct()

    def manage_rule(self, user):
        # Whoever may see a dossier reviews it: only authorities see any.
        return self.visible_to(user)


CONSENT_REQUIRED = _("Cần đồng ý xử lý dữ liệu cá nhân để nộp hồ sơ.")


class Dossier(models.Model):
    tracking_code = models.CharField(
        _("mã hồ sơ"), max_length=20, unique=True, default=new_tracking_code, editable=False
    )
    state = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=DossierState.choices,
        default=DossierState.SUBMITTED,
        db_index=True,
    )
    addressed_to = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("nơi nộp"),
        on_delete=models.PROTECT,
        related_name="dossiers_received",
    )
    # The annex form, field by field.
    name = models.CharField(_("tên tổ chức/cơ sở"), max_length=255)
    address = models.CharField(_("địa chỉ"), max_length=500)
    commune = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("xã, phường"),
        on_delete=models.PROTECT,
        related_name="dossiers_local",
        limit_choices_to={"kind": OrgKind.COMMUNE},
    )
    phone = models.CharField(_("số điện thoại liên hệ"), max_length=30)
    email = models.EmailField(_("thư điện tử"))
    tax_code = models.CharField(_("mã số thuế"), max_length=14, validators=[validate_tax_code])
    representative = models.CharField(_("người đại diện"), max_length=255)
    business_type = models.CharField(
        _("loại hình sản xuất, kinh doanh"), max_length=20, choices=BusinessType.choices
    )
    production_area = models.CharField(
        _("diện tích sản xuất"), max_length=255, blank=True, help_text=_("Ví dụ: 2,5 ha chè")
    )
    capacity = models.CharField(
        _("năng lực chế biến"), max_length=255, blank=True, help_text=_("Ví dụ: 20 tấn/năm")
    )
    products = models.TextField(
        _("sản phẩm đăng ký truy xuất nguồn gốc"), max_length=limits.DESCRIPTION
    )
    purposes = models.JSONField(_("mục đích đăng ký"), default=list)
    other_purpose = models.CharField(_("mục đích khác"), max_length=500, blank=True)
    commitment = models.BooleanField(
        _("cam kết cung cấp đầy đủ, chính xác thông tin quá trình sản xuất và phân phối"),
        default=False,
    )
    # Law 91/2025/QH15: consent to processing the personal data in the dossier, given when it
    # was submitted (dossiers from before the notice existed say False).
    privacy_consent = models.BooleanField(
        _("đồng ý xử lý dữ liệu cá nhân trong hồ sơ theo Thông báo xử lý dữ liệu cá nhân"),
        default=False,
    )
    licence = models.FileField(
        _("giấy chứng nhận đăng ký kinh doanh"), upload_to=licence_path, max_length=300
    )
    reviewer_message = models.TextField(
        _("ý kiến của cơ quan xem xét"), blank=True, max_length=limits.REASON
    )
    business = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("cơ sở được cấp tài khoản"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossier",
    )
    submitted_at = models.DateTimeField(_("ngày nộp"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ đăng ký")
        verbose_name_plural = _("hồ sơ đăng ký")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(condition=Q(commitment=True), name="dossier_commitment_given"),
            models.CheckConstraint(
                condition=~Q(state="approved") | Q(business__isnull=False),
                name="approved_dossier_has_business",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["needs_supplement", "rejected"]) | ~Q(reviewer_message=""),
                name="supplement_or_rejection_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.tracking_code} — {self.name}"

    def purpose_labels(self):
        labels = [Purpose(p).label for p in self.purposes if p in Purpose.values]
        return labels + ([self.other_purpose] if self.other_purpose else [])

    @property
    def is_editable_by_applicant(self):
        return self.state == DossierState.NEEDS_SUPPLEMENT


class DossierEvent(models.Model):
    """One line of a dossier's history: who moved it, from where to where, and why."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=20, choices=DossierState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=DossierState.choices)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=255, blank=True)
    message = models.TextField(blank=True, max_length=limits.REASON)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.dossier.tracking_code}: {self.from_state} → {self.to_state}"
