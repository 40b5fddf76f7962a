"""OCOP applications, score sheets, scorings and results; participation certificates.

Stars reach a public page only through a Result: recognised by a decision (number and date),
valid for 36 months, then gone on their own (computed when read, no job needed)."""

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from txng.accounts.models import OrgStatus
from txng.accounts.querysets import BusinessOwnedQuerySet
from txng.catalog.models import PublicState
from txng.common import limits
from txng.common.access import AuthorityDataQuerySet
from txng.ocop import scoring


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    # 29 Feb + 36 months has no 29 Feb: the last day of the month instead.
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue


class ProductGroup(models.TextChoices):
    """The six groups of Decision 148 (sub-groups are named on each sheet)."""

    FOOD = "food", _("Thực phẩm")
    DRINK = "drink", _("Đồ uống")
    HERBAL = "herbal", _("Dược liệu và sản phẩm từ dược liệu")
    CRAFT = "craft", _("Thủ công mỹ nghệ")
    FLOWER = "flower", _("Sinh vật cảnh")
    TOURISM = "tourism", _("Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch")


class SheetState(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đã ban hành")


class ScoreSheetQuerySet(AuthorityDataQuerySet):
    def current(self, group):
        return self.filter(group=group, state=SheetState.PUBLISHED).order_by("-version").first()


class ScoreSheet(models.Model):
    """One version of the score sheet for a product group. Published versions never change: a
    scoring keeps the version it used, and a new version is a new row."""

    group = models.CharField(_("nhóm sản phẩm"), max_length=20, choices=ProductGroup.choices)
    subgroup = models.CharField(_("phân nhóm"), max_length=limits.LINE, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"))
    title = models.CharField(_("tên bộ phiếu"), max_length=limits.LINE)
    source = models.CharField(
        _("căn cứ"),
        max_length=limits.LINE,
        blank=True,
        help_text=_("Văn bản ban hành phiếu chấm (ví dụ: Phụ lục III, QĐ 148/QĐ-TTg)."),
    )
    is_example = models.BooleanField(
        _("phiếu mẫu minh họa"),
        default=False,
        help_text=_("Không phải phiếu chính thức; chỉ để thử hệ thống."),
    )
    criteria = models.JSONField(default=list)
    state = models.CharField(
        _("trạng thái"), max_length=20, choices=SheetState.choices, default=SheetState.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScoreSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("phiếu chấm OCOP")
        ordering = ["group", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["group", "version"], name="one_sheet_version")
        ]

    def __str__(self):
        label = f"{self.title} (v{self.version})"
        return f"{label} — {_('PHIẾU MẪU')}" if self.is_example else label

    def maxima(self):
        out = {p: 0 for p in scoring.PART_MAXIMA}
        for c in self.criteria:
            if not c.get("bonus"):
                out[c["part"]] += scoring.criterion_max(c)
        return out


class AppState(models.TextChoices):
    SUBMITTED = "submitted", _("Chờ xã sơ loại")
    RETURNED = "returned", _("Xã trả lại để bổ sung")
    PROPOSED = "proposed", _("Xã đã đề xuất, chờ Hội đồng tỉnh")
    SCORED = "scored", _("Hội đồng đã chấm, chờ quyết định")
    RECOGNISED = "recognised", _("Đã công nhận")
    NOT_RECOGNISED = "not_recognised", _("Không công nhận")


class ApplicationQuerySet(BusinessOwnedQuerySet):
    def visible_to(self, user):
        qs = super().visible_to(user)
        if user.is_authenticated and user.is_authority and not user.is_dost:
            # A council member (an official of DOST or of the council's organisation) sees
            # what their round scores.
            qs = (qs | self.filter(round__members=user)).distinct()
        return qs


class Round(models.Model):
    """A scoring round of the provincial council: its members (officials) each fill a sheet."""

    name = models.CharField(_("đợt chấm"), max_length=limits.LINE)
    year = models.PositiveIntegerField(_("năm"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("thành viên Hội đồng"), related_name="ocop_rounds"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đợt chấm OCOP")
        ordering = ["-year", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.year})"


class Application(models.Model):
    """A business (chủ thể OCOP) asks for a product to be rated, with evidence from its catalog."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="ocop_applications"
    )
    business = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="ocop_applications"
    )
    group = models.CharField(_("nhóm sản phẩm"), max_length=20, choices=ProductGroup.choices)
    evidence = models.ManyToManyField(
        "catalog.Document", verbose_name=_("minh chứng"), blank=True, related_name="+"
    )
    note = models.TextField(_("ghi chú"), blank=True, max_length=limits.REASON)
    state = models.CharField(
        _("trạng thái"), max_length=20, choices=AppState.choices, default=AppState.SUBMITTED
    )
    state_reason = models.TextField(_("lý do"), blank=True, max_length=limits.REASON)
    # Pinned when the first sheet is filled: every scoring of the application uses it.
    sheet = models.ForeignKey(
        ScoreSheet, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    # Stars the business or an official had typed on the product before scoring existed; kept
    # only so the commune knows what was claimed, never shown publicly.
    claimed_stars = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ OCOP")
        ordering = ["-created_at"]

    def __str__(self):
        return f"OCOP — {self.product}"

    def get_absolute_url(self):
        return reverse("ocop:application", args=[self.pk])

    def council_scorings(self):
        return self.scorings.filter(stage=Stage.COUNCIL)


class Stage(models.TextChoices):
    COMMUNE = "commune", _("Xã sơ loại, chấm điểm")
    COUNCIL = "council", _("Hội đồng tỉnh")


class Scoring(models.Model):
    """One person's filled sheet for one application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scorings")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    scorer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)
    part_a = models.DecimalField(max_digits=5, decimal_places=2)
    part_b = models.DecimalField(max_digits=5, decimal_places=2)
    part_c = models.DecimalField(max_digits=5, decimal_places=2)
    total = models.DecimalField(max_digits=5, decimal_places=2)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["stage", "scored_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "stage", "scorer"], name="one_sheet_per_scorer"
            )
        ]

    def __str__(self):
        return f"{self.application} — {self.scorer}: {self.total}"

    @property
    def stars(self):
        return scoring.stars_for(self.total)


class ResultQuerySet(models.QuerySet):
    def valid(self, today=None):
        today = today or timezone.localdate()
        return self.filter(
            revoked_at__isnull=True, recognised_on__lte=today, valid_until__gte=today
        )

    def public(self, today=None):
        """Valid results of products the public may see."""
        return self.valid(today).filter(
            product__state=PublicState.PUBLISHED, product__business__status=OrgStatus.ACTIVE
        )

    def for_product(self, product, today=None):
        return (
            self.valid(today).filter(product=product).order_by("-stars", "-recognised_on").first()
        )


class Result(models.Model):
    """The recognised rating: stars from the council's average, a decision, 36 months."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="result")
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="ocop_results"
    )
    points = models.DecimalField(_("điểm"), max_digits=5, decimal_places=2)
    stars = models.PositiveSmallIntegerField(_("số sao"))
    decision_number = models.CharField(_("số quyết định"), max_length=100)
    recognised_on = models.DateField(_("ngày quyết định"))
    decided_by = models.CharField(_("cơ quan công nhận"), max_length=limits.LINE)
    valid_until = models.DateField(_("hiệu lực đến"))
    reminded_90 = models.DateTimeField(null=True, blank=True)
    reminded_30 = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("kết quả OCOP")
        ordering = ["-recognised_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="ocop_result_stars_1_to_5"
            )
        ]

    def __str__(self):
        return f"{self.product} — {self.stars}★ ({self.recognised_on.year})"

    @property
    def year(self):
        return self.recognised_on.year

    def is_valid(self, today=None):
        today = today or timezone.localdate()
        return self.revoked_at is None and self.recognised_on <= today <= self.valid_until


def certificate_code():
    return secrets.token_urlsafe(12)


class CertState(models.TextChoices):
    VALID = "valid", _("Còn hiệu lực")
    EXPIRED = "expired", _("Hết hiệu lực")
    SUSPENDED = "suspended", _("Tạm đình chỉ")
    REVOKED = "revoked", _("Đã thu hồi")


class CertificateQuerySet(BusinessOwnedQuerySet):
    pass


class Conditions(models.Model):
    """DOST's checklist for the participation certificate (one row; defaults until edited)."""

    require_profile = models.BooleanField(_("hồ sơ cơ sở đã được duyệt"), default=True)
    require_product = models.BooleanField(
        _("có ít nhất một sản phẩm đang công bố đủ thông tin cơ bản"), default=True
    )
    lot_months = models.PositiveSmallIntegerField(
        _("có lô hàng ghi nhận trong số tháng gần nhất"),
        default=6,
        help_text=_("0: không xét điều kiện này."),
    )
    no_open_recall = models.BooleanField(_("không có đợt thu hồi sản phẩm đang mở"), default=True)
    validity_months = models.PositiveSmallIntegerField(
        _("thời hạn giấy xác nhận (tháng)"), default=24
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return str(_("Điều kiện cấp giấy xác nhận"))

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first() or cls()


class Certificate(models.Model):
    """Giấy xác nhận tham gia Hệ thống TXNG (Cao Bằng Art. 11.8). Its state is read at once from
    the business and the products covered: a locked account or a taken-down product suspends it,
    a revoked account revokes it, without waiting for any job."""

    business = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="txng_certificates"
    )
    number = models.CharField(_("số"), max_length=50, unique=True)
    code = models.CharField(max_length=32, unique=True, default=certificate_code, editable=False)
    products = models.ManyToManyField(
        "catalog.Product", verbose_name=_("sản phẩm"), related_name="txng_certificates"
    )
    issued_on = models.DateField(_("ngày cấp"))
    valid_until = models.DateField(_("hiệu lực đến"))
    signer = models.CharField(_("người ký"), max_length=limits.LINE, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(_("lý do thu hồi"), blank=True, max_length=limits.REASON)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("giấy xác nhận tham gia TXNG")
        ordering = ["-issued_on", "-pk"]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("ocop:verify", args=[self.code])

    def status(self, today=None):
        """(CertState, reason shown on the verification page)."""
        today = today or timezone.localdate()
        business = self.business
        if self.revoked_at:
            return CertState.REVOKED, self.revoked_reason
        if business.status == OrgStatus.REVOKED:
            return CertState.REVOKED, _("Tài khoản của cơ sở đã bị thu hồi: %(r)s") % {
                "r": business.status_reason
            }
        if business.status == OrgStatus.LOCKED:
            return CertState.SUSPENDED, _("Tài khoản của cơ sở đang bị khóa: %(r)s") % {
                "r": business.status_reason
            }
        down = [p for p in self.products.all() if p.state == PublicState.WITHDRAWN]
        if down:
            return CertState.SUSPENDED, _("Sản phẩm đã bị gỡ: %(names)s (%(r)s)") % {
                "names": ", ".join(p.name for p in down),
                "r": "; ".join(p.withdrawn_reason for p in down),
            }
        if today > self.valid_until:
            return CertState.EXPIRED, ""
        return CertState.VALID, ""
