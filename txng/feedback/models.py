"""Consumers' voice: cases (complaints, violation and fake-stamp reports, officials' findings).

A case is routed to the managing agency of the business concerned (DOST when the business is
unknown, or for stamps) and moves received → being handled → resolved | dismissed, each step with
its reason in the case's history. The reporter's contact is stored here only and is shown to the
officials handling the case, never to the business unless the reporter agreed
(`contact_visible_to`)."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from txng.accounts.models import OrgKind
from txng.common.access import RestrictedQuerySet

# Crockford base32 without the look-alikes: a reference read aloud on the phone survives.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 bits: the tracking page is public, so the code must not be guessable


def new_case_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


class CaseKind(models.TextChoices):
    COMPLAINT = "complaint", _("Khiếu nại về chất lượng, an toàn")
    VIOLATION = "violation", _("Phản ánh vi phạm")
    FAKE_STAMP = "fake_stamp", _("Nghi tem, hàng giả")
    FINDING = "finding", _("Phát hiện của cơ quan quản lý")


class CaseState(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    HANDLING = "handling", _("Đang xử lý")
    RESOLVED = "resolved", _("Đã giải quyết")
    DISMISSED = "dismissed", _("Không xử lý")


OPEN_STATES = (CaseState.RECEIVED, CaseState.HANDLING)


class CaseQuerySet(RestrictedQuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, today=None):
        return self.open().filter(deadline__lt=today or timezone.localdate())

    def visible_to(self, user):
        """Officials see the cases routed to their agency (DOST: all); a business sees the cases
        about it on which an official asked it to explain."""
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        if user.is_authority:
            return self.manage_rule(user)
        return self.change_rule(user)

    def manage_rule(self, user):
        """An agency handles only the cases routed to it, and only while it manages the
        business concerned (a case without a business stays with DOST)."""
        if not user.is_authenticated or not user.is_authority:
            return self.none()
        if user.is_dost:
            return self.all()
        root = user.organisation.root
        return self.filter(agency=root).filter(
            Q(business__isnull=True) | Q(business__managers=root)
        )

    def change_rule(self, user):
        if not user.is_authenticated or not user.is_business:
            return self.none()
        return self.filter(business=user.organisation_id, explanation_asked_at__isnull=False)


class Case(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_case_code, editable=False)
    kind = models.CharField(_("loại phản ánh"), max_length=20, choices=CaseKind.choices)
    state = models.CharField(
        _("trạng thái"), max_length=20, choices=CaseState.choices, default=CaseState.RECEIVED
    )
    agency = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("cơ quan xử lý"),
        on_delete=models.PROTECT,
        related_name="cases",
        limit_choices_to={"kind__in": (OrgKind.DOST, OrgKind.DEPARTMENT, OrgKind.COMMUNE)},
    )
    business = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("cơ sở bị phản ánh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_about",
    )
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("sản phẩm"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    stamp_code = models.CharField(_("mã trên tem"), max_length=40, blank=True)
    fake_report = models.OneToOneField(
        "stamps.FakeReport", null=True, blank=True, on_delete=models.SET_NULL, related_name="case"
    )
    description = models.TextField(_("nội dung phản ánh"), max_length=4000)
    where = models.CharField(_("nơi mua, nơi phát hiện"), max_length=300, blank=True)
    photo = models.ImageField(
        _("ảnh chụp (không bắt buộc)"), upload_to="feedback/cases/", blank=True, max_length=300
    )
    reporter_name = models.CharField(_("họ tên (không bắt buộc)"), max_length=200, blank=True)
    reporter_email = models.EmailField(_("thư điện tử (không bắt buộc)"), blank=True)
    reporter_phone = models.CharField(_("điện thoại (không bắt buộc)"), max_length=30, blank=True)
    contact_shared = models.BooleanField(
        _("Đồng ý cho cơ sở bị phản ánh biết thông tin liên hệ của tôi"), default=False
    )
    ip_hash = models.CharField(max_length=32, blank=True)
    # The reporter's language, for the mails about the case.
    language = models.CharField(max_length=10, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deadline = models.DateField(_("hạn xử lý"))
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(_("kết quả"), blank=True, max_length=4000)
    question = models.TextField(_("yêu cầu cơ sở giải trình"), blank=True, max_length=4000)
    explanation_asked_at = models.DateTimeField(null=True, blank=True)
    explanation = models.TextField(_("giải trình của cơ sở"), blank=True, max_length=4000)
    explained_at = models.DateTimeField(null=True, blank=True)
    tracing_request = models.ForeignKey(
        "tracing.TracingRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recall = models.ForeignKey(
        "tracing.Recall", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("phản ánh")
        verbose_name_plural = _("phản ánh")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["agency", "state", "deadline"])]

    def __str__(self):
        return f"{self.code}: {self.get_kind_display()}"

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def is_overdue(self):
        return self.is_open and self.deadline < timezone.localdate()

    def contact_visible_to(self, user):
        """The reporter's personal data: the officials handling the case; the business only when
        the reporter agreed."""
        if Case.objects.manage_rule(user).filter(pk=self.pk).exists():
            return True
        return self.contact_shared and user.is_authenticated and user.is_business

    @property
    def has_contact(self):
        return bool(self.reporter_name or self.reporter_email or self.reporter_phone)


class CaseStep(models.TextChoices):
    RECEIVED = "received", _("Tiếp nhận")
    HANDLING = "handling", _("Bắt đầu xử lý")
    REASSIGNED = "reassigned", _("Chuyển cơ quan xử lý")
    ASKED = "asked", _("Yêu cầu cơ sở giải trình")
    EXPLAINED = "explained", _("Cơ sở đã giải trình")
    TRACING_REQUEST = "tracing_request", _("Yêu cầu truy xuất")
    RECALL = "recall", _("Thu hồi lô")
    TAKE_DOWN = "take_down", _("Gỡ nội dung")
    LOCK = "lock", _("Khóa tài khoản")
    RESOLVED = "resolved", _("Đã giải quyết")
    DISMISSED = "dismissed", _("Không xử lý")


# Steps the reporter sees on the tracking page: the case's own course, not what the officials
# did to the business's account or content.
PUBLIC_STEPS = (
    CaseStep.RECEIVED,
    CaseStep.HANDLING,
    CaseStep.RESOLVED,
    CaseStep.DISMISSED,
)


class CaseEvent(models.Model):
    """One step of a case, with its reason: the history officials read and, for the public
    steps, the reporter too."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(max_length=20, choices=CaseStep.choices)
    note = models.TextField(blank=True, max_length=4000)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.case.code}: {self.get_step_display()}"

    @property
    def is_public(self):
        return self.step in PUBLIC_STEPS


class CommentState(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    PUBLISHED = "published", _("Đang hiển thị")
    HIDDEN = "hidden", _("Đã ẩn")


class CommentQuerySet(RestrictedQuerySet):
    business_field = "product__business"

    def public(self):
        """What anyone may read: published comments on products that are public."""
        return self.filter(
            state=CommentState.PUBLISHED,
            product__state="published",
            product__business__status="active",
        )

    def visible_to(self, user):
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        if user.is_authority:
            return self.manage_rule(user)
        return self.change_rule(user)

    def manage_rule(self, user):
        """DOST and the managing agencies moderate the comments on their businesses' products."""
        if not user.is_authenticated or not user.is_authority:
            return self.none()
        if user.is_dost:
            return self.all()
        return self.filter(product__business__managers=user.organisation.root)

    def change_rule(self, user):
        """The business answers the published comments on its own products."""
        if not user.is_authenticated or not user.is_business:
            return self.none()
        return self.filter(product__business=user.organisation_id, state=CommentState.PUBLISHED)


class Comment(models.Model):
    """A consumer's rating (1–5 stars) and comment on a product, with the business's reply."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="comments"
    )
    stars = models.PositiveSmallIntegerField(
        _("số sao"), choices=[(n, str(n)) for n in range(1, 6)]
    )
    body = models.TextField(_("nhận xét"), max_length=2000)
    author_name = models.CharField(_("tên hiển thị (không bắt buộc)"), max_length=80, blank=True)
    photo = models.ImageField(
        _("ảnh (không bắt buộc)"), upload_to="feedback/comments/", blank=True, max_length=300
    )
    # Written from a scan of one of this product's stamps: the scan proves the product was held.
    verified = models.BooleanField(default=False)
    stamp_code = models.CharField(max_length=40, blank=True)
    state = models.CharField(max_length=20, choices=CommentState.choices)
    hidden_reason = models.TextField(blank=True, max_length=2000)
    moderated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_hash = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(_("trả lời của cơ sở"), blank=True, max_length=2000)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["product", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1) & Q(stars__lte=5), name="comment_stars_1_to_5"
            ),
            models.CheckConstraint(
                condition=~Q(state="hidden") | ~Q(hidden_reason=""),
                name="hidden_comment_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.product_id}: {self.stars}★ {self.body[:40]}"


class MailSettings(models.Model):
    """A user's mail language and when their last daily digest went out (the notification
    preferences themselves are accounts.NotificationPreference)."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="mail_settings"
    )
    language = models.CharField(_("ngôn ngữ thư"), max_length=10, default="vi")
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.user}: {self.language}"
