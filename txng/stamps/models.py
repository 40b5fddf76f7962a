"""QR stamps: print orders, stamps, scans, counterfeit signals and reports of suspected fakes."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from txng.accounts.models import OrgKind
from txng.accounts.querysets import BusinessOwnedQuerySet
from txng.common import limits
from txng.stamps import codes

MAX_ORDER_QUANTITY = 1_000_000


class OrderState(models.TextChoices):
    SUBMITTED = "submitted", _("Chờ duyệt")
    REJECTED = "rejected", _("Bị từ chối")
    CANCELLED = "cancelled", _("Đã hủy")
    GENERATING = "generating", _("Đã duyệt, đang tạo mã và tệp in")
    READY = "ready", _("Sẵn sàng tải về")


# Which state each order action may start from and where it leads.
ORDER_TRANSITIONS = {
    "approve": ((OrderState.SUBMITTED,), OrderState.GENERATING),
    "reject": ((OrderState.SUBMITTED,), OrderState.REJECTED),
    "cancel": ((OrderState.SUBMITTED,), OrderState.CANCELLED),
    "finish": ((OrderState.GENERATING,), OrderState.READY),
}


class Layout(models.TextChoices):
    A4 = "a4", _("Tờ A4 (có lề và dấu cắt)")
    ROLL = "roll", _("Cuộn nhãn (mỗi nhãn một tem)")


class UrlKind(models.TextChoices):
    SHORT = "short", _("Đường dẫn ngắn /q/<mã>")
    DIGITAL_LINK = "digital_link", _("GS1 Digital Link (sản phẩm có GTIN)")


class StampSize(models.IntegerChoices):
    S20 = 20, "20 mm"
    S25 = 25, "25 mm"
    S30 = 30, "30 mm"
    S40 = 40, "40 mm"


class PrintOrderQuerySet(BusinessOwnedQuerySet):
    pass


def logo_path(instance, filename):
    return f"stamps/logos/{instance.business_id}/{filename}"


def file_path(instance, filename):
    return f"stamps/orders/{instance.pk}/{filename}"


class PrintOrder(models.Model):
    business = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("cơ sở"),
        on_delete=models.PROTECT,
        related_name="stamp_orders",
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("sản phẩm"), on_delete=models.PROTECT, related_name="+"
    )
    lot = models.ForeignKey(
        "tracing.Lot",
        verbose_name=_("lô hàng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = models.PositiveIntegerField(_("số lượng tem"))
    size_mm = models.PositiveSmallIntegerField(
        _("cỡ tem"), choices=StampSize.choices, default=StampSize.S25
    )
    show_name = models.BooleanField(_("in tên sản phẩm"), default=True)
    show_code = models.BooleanField(_("in mã dạng chữ dưới tem"), default=True)
    logo = models.ImageField(_("logo in trên tem"), upload_to=logo_path, blank=True, max_length=300)
    layout = models.CharField(_("kiểu in"), max_length=10, choices=Layout.choices, default="a4")
    url_kind = models.CharField(
        _("nội dung mã QR"), max_length=20, choices=UrlKind.choices, default=UrlKind.SHORT
    )
    state = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=OrderState.choices,
        default=OrderState.SUBMITTED,
        db_index=True,
    )
    note = models.TextField(_("ghi chú"), blank=True, max_length=limits.REASON)
    reason = models.TextField(_("lý do từ chối"), blank=True, max_length=limits.REASON)
    generated = models.PositiveIntegerField(_("số mã đã tạo"), default=0)
    files_done = models.PositiveIntegerField(_("số tem đã vào tệp in"), default=0)
    pdf = models.FileField(upload_to=file_path, blank=True, max_length=300)
    csv = models.FileField(upload_to=file_path, blank=True, max_length=300)
    zip = models.FileField(upload_to=file_path, blank=True, max_length=300)
    requested_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("ngày duyệt"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày đặt"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(_("ngày xong"), null=True, blank=True)

    objects = PrintOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn in tem")
        verbose_name_plural = _("đơn in tem")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(quantity__lte=MAX_ORDER_QUANTITY),
                name="stamp_order_quantity_range",
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(reason=""),
                name="stamp_order_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(generated__lte=models.F("quantity")),
                name="stamp_order_generated_le_quantity",
            ),
        ]

    def __str__(self):
        return _("Đơn in tem #%(pk)s") % {"pk": self.pk}

    @property
    def progress_percent(self):
        # Codes are most of the work; the files are the rest.
        done = self.generated + self.files_done
        return int(100 * done / (2 * self.quantity)) if self.quantity else 100

    @property
    def is_approved(self):
        return self.state in (OrderState.GENERATING, OrderState.READY)


class StampQuota(models.Model):
    """How many stamps a business may order per calendar year (set by DOST)."""

    business = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="stamp_quota"
    )
    yearly_limit = models.PositiveIntegerField(_("hạn mức tem mỗi năm"))
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.business}: {self.yearly_limit}"


class ApprovalDelegation(models.Model):
    """An agency DOST has delegated stamp-order approval to, for the businesses it manages."""

    agency = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="stamp_delegation",
        limit_choices_to={"kind__in": [OrgKind.DEPARTMENT, OrgKind.COMMUNE]},
    )
    granted_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL)
    granted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return str(self.agency)


class StampState(models.TextChoices):
    GENERATED = "generated", _("Đã tạo")
    PRINTED = "printed", _("Đã in")
    ACTIVATED = "activated", _("Đã kích hoạt")
    VOIDED = "voided", _("Đã hủy")


class StampQuerySet(BusinessOwnedQuerySet):
    business_field = "order__business"


class Stamp(models.Model):
    order = models.ForeignKey(PrintOrder, on_delete=models.PROTECT, related_name="stamps")
    serial = models.PositiveIntegerField(_("số sê-ri"))
    code = models.CharField(_("mã tem"), max_length=codes.CODE_LENGTH, unique=True)
    state = models.CharField(
        _("trạng thái"), max_length=20, choices=StampState.choices, default=StampState.GENERATED
    )
    lot = models.ForeignKey(
        "tracing.Lot",
        verbose_name=_("lô hàng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stamps",
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.TextField(_("lý do hủy"), blank=True, max_length=limits.REASON)
    scan_count = models.PositiveIntegerField(default=0)
    first_scanned_at = models.DateTimeField(null=True, blank=True)

    objects = StampQuerySet.as_manager()

    class Meta:
        verbose_name = _("tem")
        verbose_name_plural = _("tem")
        constraints = [
            models.UniqueConstraint(fields=["order", "serial"], name="stamp_serial_unique"),
            models.CheckConstraint(
                condition=~Q(state="activated") | Q(lot__isnull=False),
                name="activated_stamp_has_lot",
            ),
            models.CheckConstraint(
                condition=~Q(state="voided") | ~Q(void_reason=""),
                name="voided_stamp_has_reason",
            ),
        ]

    def __str__(self):
        return codes.format_for_humans(self.code)


class ScanResult(models.TextChoices):
    OK = "ok", _("Hợp lệ")
    NOT_ACTIVATED = "not_activated", _("Chưa kích hoạt")
    VOIDED = "voided", _("Tem đã hủy")
    UNKNOWN = "unknown", _("Mã không có trong hệ thống")
    MISTYPED = "mistyped", _("Mã sai ký tự kiểm tra")


class ScanQuerySet(BusinessOwnedQuerySet):
    business_field = "business"


class Scan(models.Model):
    """One consumer scan. No raw IP: a salted hash, enough to tell repeat visitors apart."""

    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    code = models.CharField(max_length=40)  # indexed with `at` (Meta), for the repeat checks
    stamp = models.ForeignKey(
        Stamp, null=True, blank=True, on_delete=models.CASCADE, related_name="scans"
    )
    # Denormalised so statistics group without joining through stamps and orders. Indexed with
    # `at` (Meta): a scan row is written on every scan, so no index is kept that another covers.
    business = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.CharField(max_length=20, choices=ScanResult.choices)
    ip_hash = models.CharField(max_length=32, blank=True)
    ua_family = models.CharField(max_length=40, blank=True)
    latitude = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    longitude = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    province = models.CharField(max_length=60, blank=True)
    # False for a repeat by the same visitor within SCAN_REPEAT_WINDOW_SECONDS: kept in the
    # log, left out of the stamp's count and of the counterfeit checks.
    counted = models.BooleanField(default=True)

    objects = ScanQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["business", "at"]), models.Index(fields=["code", "at"])]

    def __str__(self):
        return f"{self.code} {self.at:%Y-%m-%d %H:%M}"


class SignalKind(models.TextChoices):
    MANY_SCANS = "many_scans", _("Một mã bị quét quá nhiều lần")
    FAR_APART = "far_apart", _("Quét ở hai nơi xa nhau trong thời gian ngắn")
    VOIDED_REPEATED = "voided_repeated", _("Tem đã hủy vẫn bị quét nhiều lần")
    UNKNOWN_REPEATED = "unknown_repeated", _("Mã lạ (không do hệ thống cấp) bị quét nhiều lần")


class SignalQuerySet(BusinessOwnedQuerySet):
    def visible_to(self, user):
        # Unknown codes belong to no business: only DOST sees them.
        return super().visible_to(user)


class Signal(models.Model):
    """A suspicion of counterfeiting, raised once per code and kind."""

    kind = models.CharField(max_length=20, choices=SignalKind.choices)
    code = models.CharField(max_length=40)
    stamp = models.ForeignKey(
        Stamp, null=True, blank=True, on_delete=models.CASCADE, related_name="signals"
    )
    business = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    detail = models.TextField(blank=True, max_length=limits.REASON)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SignalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["code", "kind"], name="one_signal_per_code_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.code}"

    @property
    def human_code(self):
        """The code in the groups printed under the stamp (a table column can break there)."""
        return codes.format_for_humans(self.code)


def report_photo_path(instance, filename):
    return f"stamps/reports/{filename}"


class FakeReport(models.Model):
    """A consumer's report of a suspected fake stamp or product."""

    code = models.CharField(_("mã trên tem"), max_length=40, blank=True)
    stamp = models.ForeignKey(Stamp, null=True, blank=True, on_delete=models.SET_NULL)
    business = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    what = models.TextField(_("điều bạn thấy đáng ngờ"), max_length=2000)
    where_bought = models.CharField(_("nơi mua"), max_length=300)
    photo = models.ImageField(
        _("ảnh chụp (không bắt buộc)"), upload_to=report_photo_path, blank=True, max_length=300
    )
    contact = models.CharField(
        _("cách liên hệ với bạn (không bắt buộc)"), max_length=200, blank=True
    )
    ip_hash = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BusinessOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("phản ánh nghi hàng giả")
        verbose_name_plural = _("phản ánh nghi hàng giả")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.code or '—'}: {self.where_bought}"
