"""Statistics tallies, reporting periods with each agency's report, and exports for regulators."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from txng.accounts.querysets import BusinessOwnedQuerySet
from txng.common import limits
from txng.common.access import AuthorityDataQuerySet, RestrictedQuerySet


class Metric(models.TextChoices):
    SCANS = "scans", _("Lượt quét tem")
    LOTS = "lots", _("Lô hàng được ghi")
    EVENTS = "events", _("Sự kiện truy xuất được ghi")
    ACTIVATIONS = "activations", _("Tem được kích hoạt")


class Tally(models.Model):
    """How many of `metric` happened on `day` at one business (or, business empty, in the whole
    province). Rewritten by `tallies.refresh` from the source tables, so the dashboards read a
    few hundred rows per year instead of millions of scans."""

    metric = models.CharField(max_length=20, choices=Metric.choices)
    day = models.DateField()
    business = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "business", "day"],
                condition=Q(business__isnull=False),
                name="tally_one_per_business_day",
            ),
            models.UniqueConstraint(
                fields=["metric", "day"],
                condition=Q(business__isnull=True),
                name="tally_one_per_province_day",
            ),
        ]
        indexes = [models.Index(fields=["business", "metric", "day"], name="tally_biz_metric_day")]

    def __str__(self):
        return f"{self.metric} {self.day} {self.business_id or '*'}: {self.value}"


class PeriodKind(models.TextChoices):
    HALF_YEAR = "half", _("Báo cáo 6 tháng")
    YEAR = "year", _("Báo cáo năm")
    IMPLEMENTATION = "implementation", _("Báo cáo tình hình thực hiện Quy định (hằng năm)")


class PeriodState(models.TextChoices):
    OPEN = "open", _("Đang nhận báo cáo")
    CLOSED = "closed", _("Đã khóa sổ")


class ReportPeriod(models.Model):
    """A reporting period DOST opens (Cao Bằng Art. 15.3, Art. 11.1); each department and commune
    gets an AgencyReport in it, and DOST writes the province's aggregate on the period."""

    kind = models.CharField(_("loại báo cáo"), max_length=20, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    deadline = models.DateField(_("hạn nộp"))
    state = models.CharField(max_length=10, choices=PeriodState.choices, default="open")
    opened_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    # DOST's aggregate report to the Provincial People's Committee.
    number = models.CharField(_("số văn bản"), max_length=50, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    summary = models.TextField(_("đánh giá chung"), blank=True, max_length=limits.DESCRIPTION)
    proposals = models.TextField(_("kiến nghị, đề xuất"), blank=True, max_length=limits.DESCRIPTION)
    recipients = models.TextField(
        _("nơi nhận"),
        blank=True,
        max_length=1000,
        help_text=_("Mỗi dòng một nơi nhận."),
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=100, blank=True)

    objects = AuthorityDataQuerySet.as_manager()

    class Meta:
        ordering = ["-deadline", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "starts_on"], name="one_period_per_kind_and_span"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="period_span"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Ngày kết thúc phải sau ngày bắt đầu.")})

    @property
    def is_open(self):
        return self.state == PeriodState.OPEN

    def days_left(self, today=None):
        return (self.deadline - (today or timezone.localdate())).days


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi, chờ Sở KH&CN")
    RETURNED = "returned", _("Bị trả lại")
    ACCEPTED = "accepted", _("Đã tiếp nhận")


class AgencyReportQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        if not user.is_authenticated or not user.is_authority:
            return self.none()
        if user.is_dost:
            return self.all()
        return self.filter(agency=user.organisation.root)

    def change_rule(self, user):
        if not user.is_authenticated or not user.is_authority or user.is_dost:
            return self.none()
        return self.filter(agency=user.organisation.root)

    def manage_rule(self, user):
        return self.all() if user.is_authenticated and user.is_dost else self.none()


class AgencyReport(models.Model):
    """One department's or commune's report for a period: figures of its scope taken from the
    data (frozen at submission) and the parts an official writes."""

    period = models.ForeignKey(ReportPeriod, on_delete=models.CASCADE, related_name="reports")
    agency = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="period_reports"
    )
    state = models.CharField(max_length=10, choices=ReportState.choices, default="draft")
    figures = models.JSONField(default=list, blank=True)
    figures_at = models.DateTimeField(null=True, blank=True)
    situation = models.TextField(
        _("tình hình triển khai"), blank=True, max_length=limits.DESCRIPTION
    )
    difficulties = models.TextField(
        _("khó khăn, vướng mắc"), blank=True, max_length=limits.DESCRIPTION
    )
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True, max_length=limits.DESCRIPTION)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    late = models.BooleanField(_("nộp muộn"), default=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField(_("lý do trả lại"), blank=True, max_length=limits.REASON)
    reminded_days = models.JSONField(default=list, blank=True)  # [10, 3]: reminders sent
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgencyReportQuerySet.as_manager()

    class Meta:
        ordering = ["agency__kind", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["period", "agency"], name="one_report_per_agency"),
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(return_reason=""),
                name="returned_report_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.agency} · {self.period}"

    @property
    def editable(self):
        return self.state in (ReportState.DRAFT, ReportState.RETURNED) and self.period.is_open

    def is_overdue(self, today=None):
        """Late: sent after the deadline, or still not sent once it has passed."""
        if self.submitted_at is not None and self.state != ReportState.RETURNED:
            return self.late
        return (today or timezone.localdate()) > self.period.deadline


class ExportKind(models.TextChoices):
    REGULATOR = "regulator", _("Dữ liệu truy xuất giao cơ quan quản lý")
    BUSINESS = "business", _("Sổ ghi chép của cơ sở")


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo tệp")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Lỗi")


class ExportJobQuerySet(BusinessOwnedQuerySet):
    def visible_to(self, user):
        """Each export is its requester's organisation's: it holds what they were allowed to
        see when it was made, which another organisation may not be."""
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        return self.filter(organisation=user.organisation.root)


class ExportJob(models.Model):
    kind = models.CharField(max_length=10, choices=ExportKind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=20, blank=True)  # "recall", "request", "lots"
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=ExportState.choices, default="queued")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    xlsx = models.FileField(upload_to="exports/%Y/%m/", blank=True, max_length=300)
    csv = models.FileField(upload_to="exports/%Y/%m/", blank=True, max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def percent(self):
        if self.state == ExportState.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
