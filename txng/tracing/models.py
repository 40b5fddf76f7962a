"""Lots, their EPCIS events, the lot-link graph, diaries, shipments, recalls and tracing requests
(spreadsheet import jobs: import_models.py, re-exported here).

The event table is the record; everything else here (lot counters, status, links, shipments) is
derived state written in the same transaction as the event, so reads never replay history.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from txng.catalog.identifiers import validate_sscc
from txng.common import limits
from txng.common.access import RestrictedQuerySet
from txng.common.units import Unit
from txng.tracing.import_models import ImportJob, ImportState  # noqa: F401 (re-exported)
from txng.tracing.querysets import (
    LotQuerySet,
    TracingRequestQuerySet,
    VisibleToBusinessQuerySet,
)

ZERO = Decimal("0")

lot_code_validator = RegexValidator(
    r"^[A-Za-z0-9._-]{1,20}$",
    _("Số lô chỉ gồm chữ cái không dấu, chữ số, dấu chấm, gạch ngang; tối đa 20 ký tự."),
)


class LotStatus(models.TextChoices):
    IN_PRODUCTION = "in_production", _("Đang sản xuất")
    FINISHED = "finished", _("Đã hoàn thành")
    # Goods received from a supplier: nothing was produced here, so "finished" would mislead.
    RECEIVED = "received", _("Đã nhận về kho")
    PARTLY_SHIPPED = "partly_shipped", _("Đã xuất một phần")
    SHIPPED = "shipped", _("Đã xuất hết")
    RECALLED = "recalled", _("Bị thu hồi")
    DESTROYED = "destroyed", _("Đã tiêu hủy")


class LotKind(models.TextChoices):
    PRODUCT = "product", _("Sản phẩm")
    MATERIAL = "material", _("Nguyên liệu")
    PACKAGING = "packaging", _("Bao bì")


# UN/ECE Rec 20 codes for the EPCIS quantity list.
UOM = {"kg": "KGM", "g": "GRM", "t": "TNE", "l": "LTR", "piece": "H87"}


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
    code = models.CharField(_("số lô"), max_length=64, validators=[lot_code_validator])
    production_date = models.DateField(_("ngày sản xuất"), null=True, blank=True)
    expiry_date = models.DateField(_("hạn sử dụng"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    kind = models.CharField(
        _("loại"), max_length=20, choices=LotKind.choices, default=LotKind.PRODUCT
    )
    unit = models.CharField(_("đơn vị"), max_length=10, choices=Unit.choices, default=Unit.KG)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=LotStatus.choices, default=LotStatus.IN_PRODUCTION
    )
    facility = models.ForeignKey(
        "catalog.Facility",
        verbose_name=_("địa điểm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lots",
    )
    process = models.ForeignKey(
        "tracing.ProcessTemplate",
        verbose_name=_("quy trình sản xuất"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lots",
    )
    # The code printed on the label. A received lot of a GTIN product carries the producer's
    # `(01)…(10)…` code as it is printed, so the code is unique only among the lots of the
    # business that makes the product (producer_lot); a lookup by code prefers that lot and
    # reaches the holders' lots through the chain.
    trace_code = models.CharField(
        _("mã truy vết sản phẩm"), max_length=80, default="", editable=False, db_index=True
    )
    producer_lot = models.BooleanField(default=True, editable=False)
    # The internal VN.… code a received lot had before it took its label's code: events recorded
    # then name it (`/id/lot/<code>`) and are never edited, so a lookup by it still finds the lot.
    former_trace_code = models.CharField(max_length=80, blank=True, editable=False, db_index=True)
    # Origin of a material bought off the platform (Bắc Ninh Art. 5.1.b).
    supplier_name = models.CharField(_("nhà cung cấp"), max_length=255, blank=True)
    supplier_lot = models.CharField(_("số lô của nhà cung cấp"), max_length=64, blank=True)
    origin = models.CharField(_("xuất xứ (nước, tỉnh)"), max_length=255, blank=True)

    # Derived stock, kept by actions.py in the event's transaction.
    produced = models.DecimalField(_("sản xuất"), max_digits=14, decimal_places=3, default=ZERO)
    received = models.DecimalField(_("nhận vào"), max_digits=14, decimal_places=3, default=ZERO)
    shipped = models.DecimalField(_("xuất đi"), max_digits=14, decimal_places=3, default=ZERO)
    returned = models.DecimalField(_("bị trả lại"), max_digits=14, decimal_places=3, default=ZERO)
    consumed = models.DecimalField(
        _("đưa vào chế biến"), max_digits=14, decimal_places=3, default=ZERO
    )
    destroyed = models.DecimalField(_("tiêu hủy"), max_digits=14, decimal_places=3, default=ZERO)
    adjusted = models.DecimalField(_("điều chỉnh"), max_digits=14, decimal_places=3, default=ZERO)
    in_stock = models.DecimalField(_("tồn kho"), max_digits=14, decimal_places=3, default=ZERO)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LotQuerySet.as_manager()

    class Meta:
        verbose_name = _("lô hàng")
        verbose_name_plural = _("lô hàng")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "product", "code"], name="lot_code_unique_per_product"
            ),
            models.UniqueConstraint(
                fields=["trace_code"],
                condition=Q(producer_lot=True),
                name="lot_trace_code_unique_at_producer",
            ),
            models.CheckConstraint(condition=Q(in_stock__gte=0), name="lot_stock_not_negative"),
            models.CheckConstraint(
                condition=Q(
                    in_stock=F("produced")
                    + F("received")
                    + F("returned")
                    + F("adjusted")
                    - F("shipped")
                    - F("consumed")
                    - F("destroyed")
                ),
                name="lot_stock_balances",
            ),
        ]
        indexes = [models.Index(fields=["business", "status"])]

    def __str__(self):
        return f"{self.product} — {self.code}"

    def save(self, *args, **kwargs):
        if self._state.adding:
            self.producer_lot = self.business_id == self.product.business_id
        if not self.trace_code:
            from txng.tracing.codes import product_trace_code

            self.trace_code = product_trace_code(self.product, self.code, self.business_id)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        url = reverse("tracing:public_lot", args=[self.trace_code])
        if not self.producer_lot and self.trace_code.startswith("(01)"):
            # The code opens the producer's lot; the holder's own lot is asked for by name.
            url += f"?tai={self.business.ref}"
        return url

    def holders(self):
        """Public lots of other businesses that carry this lot's printed code (goods received
        from it, and from those): one step forward and further, as a consumer may see it."""
        return (
            Lot.objects.public()
            .filter(trace_code=self.trace_code, producer_lot=False)
            .exclude(pk=self.pk)
            .select_related("business")
            .order_by("pk")
        )

    def get_trace_url(self):
        return reverse("tracing:trace", args=[self.pk])

    @property
    def gs1(self):
        return bool(self.product.gtin)

    @property
    def active_recall(self):
        link = RecallLot.objects.open_for(self).select_related("recall").first()
        return link.recall if link else None

    def retain_until(self):
        return RetentionPolicy.for_category(self.product.category_id).retain_until(self)


class ProcessTemplate(models.Model):
    """An ordered list of stages (Cao Bằng Art. 7.2). Authorities publish standard ones."""

    owner = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("đơn vị soạn"),
        on_delete=models.PROTECT,
        related_name="process_templates",
    )
    name = models.CharField(_("tên quy trình"), max_length=255)
    category = models.ForeignKey(
        "catalog.Category",
        verbose_name=_("nhóm sản phẩm áp dụng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(
        _("mô tả, tiêu chuẩn áp dụng"), blank=True, max_length=limits.DESCRIPTION
    )
    published = models.BooleanField(_("công bố làm quy trình mẫu"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisibleToBusinessQuerySet.as_manager()

    class Meta:
        verbose_name = _("quy trình sản xuất")
        ordering = ["name"]

    def __str__(self):
        return self.name


class StageKind(models.TextChoices):
    LAND = "land", _("Làm đất")
    SOWING = "sowing", _("Gieo trồng")
    FERTILISING = "fertilising", _("Bón phân")
    SPRAYING = "spraying", _("Phun thuốc BVTV")
    CARE = "care", _("Chăm sóc")
    HARVEST = "harvest", _("Thu hoạch")
    DRYING = "drying", _("Phơi, sấy")
    PROCESSING = "processing", _("Chế biến")
    PACKING = "packing", _("Đóng gói")
    STORING = "storing", _("Bảo quản")
    INSPECTING = "inspecting", _("Kiểm tra chất lượng")
    OTHER = "other", _("Khác")


class Stage(models.Model):
    template = models.ForeignKey(ProcessTemplate, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên công đoạn"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=StageKind.choices)
    fields = models.CharField(
        _("thông tin cần ghi"),
        max_length=300,
        blank=True,
        help_text=_("Ví dụ: vật tư, liều lượng, lô vật tư của nhà cung cấp."),
    )

    class Meta:
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="stage_order_unique")
        ]

    def __str__(self):
        return f"{self.order}. {self.name}"


class EventType(models.TextChoices):
    OBJECT = "ObjectEvent", "ObjectEvent"
    AGGREGATION = "AggregationEvent", "AggregationEvent"
    TRANSFORMATION = "TransformationEvent", "TransformationEvent"
    ASSOCIATION = "AssociationEvent", "AssociationEvent"
    TRANSACTION = "TransactionEvent", "TransactionEvent"


class Event(models.Model):
    """One EPCIS 2.0 event, never edited or deleted; `document` is the JSON-LD event itself."""

    # An error declaration repeats the eventID of the event it declares wrong (EPCIS 2.0 7.4.1.4;
    # the hash leaves errorDeclaration out), so the ID is unique among the other events only.
    event_id = models.CharField(max_length=100, db_index=True)
    type = models.CharField(max_length=20, choices=EventType.choices)
    action = models.CharField(max_length=8, blank=True)
    biz_step = models.CharField(max_length=200, blank=True, db_index=True)
    disposition = models.CharField(max_length=200, blank=True)
    event_time = models.DateTimeField(db_index=True)
    event_time_zone_offset = models.CharField(max_length=6, default="+07:00")
    record_time = models.DateTimeField(default=timezone.now)
    read_point = models.CharField(max_length=200, blank=True)
    biz_location = models.CharField(max_length=200, blank=True)
    # These three and declares_error_on are checked by the event table's triggers on PostgreSQL,
    # not foreign keys (tracing 0014, eventtable.py); on SQLite only on_delete guards them.
    business = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="events",
        db_constraint=False,
    )
    facility = models.ForeignKey(
        "catalog.Facility",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    recorded_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    # Vietnamese label shown in histories and on the public page.
    title = models.CharField(max_length=200)
    public_detail = models.CharField(max_length=500, blank=True)
    document = models.JSONField()
    declares_error_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="error_declarations",
        db_constraint=False,
    )
    lots = models.ManyToManyField(Lot, through="EventLot", related_name="events")

    class Meta:
        ordering = ["event_time", "id"]
        indexes = [models.Index(fields=["business", "event_time"])]
        # On PostgreSQL the table is partitioned by month of id (migration 0011, docs/scale.md),
        # where a unique index other than the id cannot exist: these two rules are then kept by
        # the same-named unique indexes of EventKey's table, filled by a trigger. A migration that
        # changes them must change them there (on SQLite they stay here).
        constraints = [
            models.UniqueConstraint(
                fields=["event_id"],
                condition=Q(declares_error_on__isnull=True),
                name="event_captured_once",
            ),
            models.UniqueConstraint(fields=["declares_error_on"], name="one_error_declaration"),
        ]

    def __str__(self):
        return f"{self.title} {self.event_time:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Sự kiện đã ghi không được sửa; hãy khai báo sai sót."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Sự kiện đã ghi không được xóa."))

    @property
    def is_retracted(self):
        return self.error_declarations.exists()


class EventKey(models.Model):
    """The event table's global unique rules, on PostgreSQL: one row per event, written by a
    trigger in the event's own INSERT (so every way of inserting events keeps the rules), with
    the unique indexes `event_captured_once` and `one_error_declaration`. The event table is
    partitioned by month there and its own indexes are per month. Empty on SQLite, where the
    event table keeps its constraints."""

    # The same trigger removes the row with its event (only purge_lot deletes events), so no
    # foreign key is needed: one to a partitioned table costs each insert a check several times
    # dearer than to an ordinary one (docs/scale.md).
    event = models.OneToOneField(
        Event,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        editable=False,
    )
    key = models.CharField(max_length=100, editable=False)  # the event's eventID
    declares_error_on = models.BigIntegerField(null=True, editable=False)

    def __str__(self):
        return self.key


class IdentifierRole(models.TextChoices):
    """Where an event names an identifier: the EPCIS query's MATCH_ parameters pick by role."""

    EPC = "epc", "epcList"
    CHILD = "child", "childEPCs"
    PARENT = "parent", "parentID"
    INPUT = "input", "inputEPCList"
    OUTPUT = "output", "outputEPCList"
    CLASS = "class", "quantityList"
    CHILD_CLASS = "child_class", "childQuantityList"
    INPUT_CLASS = "input_class", "inputQuantityList"
    OUTPUT_CLASS = "output_class", "outputQuantityList"


class EventIdentifier(models.Model):
    """One identifier an event names, in its canonical GS1 Digital Link form when it has one,
    so that every MATCH_ query of EPCIS is an index lookup, never a scan of the JSON."""

    # No foreign key in the database, as for EventKey: a check against the partitioned event
    # table cost each row about as much as the event's own insert (docs/scale.md). The link is
    # kept by triggers instead (tracing 0013): a statement's rows must name events that exist,
    # and an event's delete (only purge_lot) takes its rows with it. On SQLite, and for the ORM,
    # Django's own cascade still deletes them first.
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, db_constraint=False, related_name="identifiers"
    )
    role = models.CharField(max_length=12, choices=IdentifierRole.choices)
    value = models.TextField(editable=False)  # copied from the event by eventindex, never typed

    class Meta:
        indexes = [models.Index(fields=["value", "role", "event"], name="event_identifier_value")]

    def __str__(self):
        return f"{self.event_id}:{self.role}:{self.value}"


class LotRole(models.TextChoices):
    SUBJECT = "subject", _("Lô của sự kiện")
    INPUT = "input", _("Đầu vào")
    OUTPUT = "output", _("Đầu ra")


class EventLot(models.Model):
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="lot_rows")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="event_rows")
    role = models.CharField(max_length=10, choices=LotRole.choices, default=LotRole.SUBJECT)
    quantity = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["lot", "event"])]

    def __str__(self):
        return f"{self.event_id}:{self.lot_id}:{self.role}"


class LinkKind(models.TextChoices):
    TRANSFORM = "transform", _("Chế biến, phối trộn")
    SHIPMENT = "shipment", _("Giao nhận")


class LotLink(models.Model):
    """An edge of the trace graph: goods of `parent` went into `child`."""

    parent = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="child_links")
    child = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="parent_links")
    kind = models.CharField(max_length=10, choices=LinkKind.choices)
    quantity = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        indexes = [
            models.Index(fields=["parent", "child"], name="lotlink_parent"),
            models.Index(fields=["child", "parent"], name="lotlink_child"),
        ]

    def __str__(self):
        return f"{self.parent_id} → {self.child_id}"


class DiaryEntry(models.Model):
    """A production diary line for a lot (Cao Bằng Art. 7.3); its EPCIS event is the record."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="diary")
    stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.PROTECT)
    stage_kind = models.CharField(_("công đoạn"), max_length=20, choices=StageKind.choices)
    stage_name = models.CharField(_("tên công đoạn"), max_length=200)
    time = models.DateTimeField(_("thời gian"))
    facility = models.ForeignKey(
        "catalog.Facility", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.CharField(_("người thực hiện"), max_length=200, blank=True)
    quantity = models.DecimalField(
        _("khối lượng, số lượng"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    input_name = models.CharField(_("vật tư sử dụng (phân bón, thuốc)"), max_length=200, blank=True)
    input_dose = models.CharField(_("liều lượng"), max_length=100, blank=True)
    input_supplier_lot = models.CharField(_("lô vật tư, nhà cung cấp"), max_length=200, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True, max_length=limits.REASON)
    photo = models.ImageField(_("ảnh"), upload_to="public/diary/%Y/%m/", blank=True)
    event = models.OneToOneField(Event, on_delete=models.PROTECT, related_name="diary_entry")
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )

    class Meta:
        ordering = ["time", "id"]

    def __str__(self):
        return f"{self.lot} · {self.stage_name}"


class ShipmentState(models.TextChoices):
    IN_TRANSIT = "in_transit", _("Đang chờ bên nhận xác nhận")
    RECEIVED = "received", _("Bên nhận đã xác nhận")
    DELIVERED = "delivered", _("Đã giao (ngoài hệ thống)")


class Shipment(models.Model):
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="shipments")
    quantity = models.DecimalField(_("số lượng xuất"), max_digits=14, decimal_places=3)
    shipped_at = models.DateTimeField(_("ngày xuất"))
    receiver = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("bên nhận trên hệ thống"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incoming_shipments",
    )
    receiver_name = models.CharField(_("tên bên nhận"), max_length=255, blank=True)
    # The opaque ref naming a receiver outside the system in the shipping event (its name is
    # kept here only, never in the event).
    receiver_ref = models.CharField(max_length=12, blank=True, db_index=True, editable=False)
    receiver_address = models.CharField(_("địa chỉ bên nhận"), max_length=500, blank=True)
    transporter = models.CharField(_("đơn vị vận chuyển"), max_length=255, blank=True)
    invoice_no = models.CharField(_("số hóa đơn"), max_length=64, blank=True)
    delivery_note_no = models.CharField(_("số phiếu xuất kho"), max_length=64, blank=True)
    # The logistic unit (carton, pallet) the goods travel in, from its GS1-128 label. Several
    # shipments share one SSCC when a pallet carries several lots to one receiver.
    sscc = models.CharField(
        _("mã SSCC"), max_length=18, blank=True, db_index=True, validators=[validate_sscc]
    )
    state = models.CharField(max_length=20, choices=ShipmentState.choices)
    received_quantity = models.DecimalField(
        _("số lượng thực nhận"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    received_at = models.DateTimeField(null=True, blank=True)
    received_lot = models.ForeignKey(
        Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="receipts"
    )
    receipt_note = models.CharField(_("ghi chú khi nhận"), max_length=500, blank=True)
    returned_quantity = models.DecimalField(max_digits=14, decimal_places=3, default=ZERO)
    ship_event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="+")
    receive_event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-shipped_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipment_quantity_positive"),
            models.CheckConstraint(
                condition=Q(receiver__isnull=False) | ~Q(receiver_name=""),
                name="shipment_has_receiver",
            ),
        ]

    def __str__(self):
        return f"{self.lot} → {self.receiver or self.receiver_name}"

    @property
    def difference(self):
        if self.received_quantity is None:
            return None
        return self.received_quantity - self.quantity


class RecallState(models.TextChoices):
    OPEN = "open", _("Đang thu hồi")
    COMPLETED = "completed", _("Đã hoàn tất")
    LIFTED = "lifted", _("Đã chấm dứt")


class RecallQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        """Recalls touching a lot the user may see (a subquery, not a join: counts over a
        recall's lots then take in all of them)."""
        lots = RecallLot.objects.filter(lot__in=Lot.objects.visible_to(user))
        return self.filter(pk__in=lots.values("recall"))

    def in_state(self, state):
        """The recalls in `state` (a RecallState), as Recall.state tells it of each one."""
        return self.filter(
            {
                RecallState.OPEN: Q(closed_at__isnull=True, completed_at__isnull=True),
                RecallState.COMPLETED: Q(closed_at__isnull=True, completed_at__isnull=False),
                RecallState.LIFTED: Q(closed_at__isnull=False),
            }[state]
        )


class Recall(models.Model):
    reason = models.TextField(_("lý do thu hồi"), max_length=limits.REASON)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="recalls_made"
    )
    # Completed: the goods were brought back and dealt with, reported in `result`; the lots
    # stay recalled and the public warning stays, for the units still in consumers' hands.
    completed_at = models.DateTimeField(null=True, blank=True)
    result = models.TextField(_("kết quả thu hồi"), blank=True, max_length=limits.REASON)
    # Closed (lifted): the recall should not stand, e.g. a later test cleared the goods. The
    # lots go back to their earlier state and the warning ends; the history keeps both.
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(
        _("lý do chấm dứt thu hồi"), blank=True, max_length=limits.REASON
    )

    objects = RecallQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | ~Q(result=""),
                name="recall_completed_with_result",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(close_reason=""),
                name="recall_closed_with_reason",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.reason[:60]}"

    @property
    def state(self):
        if self.closed_at:
            return RecallState.LIFTED
        if self.completed_at:
            return RecallState.COMPLETED
        return RecallState.OPEN

    @property
    def state_label(self):
        return self.state.label

    def is_run_by(self, user):
        """DOST, or the organisation that made the recall: those who follow every holder."""
        return user.is_authenticated and (
            user.is_dost or user.organisation_id == self.organisation_id
        )


class RecallLotQuerySet(models.QuerySet):
    def open_for(self, lot):
        """`lot`'s rows in recalls not yet closed, newest recall first (`lot` may be an
        OuterRef, for a subquery)."""
        return self.filter(lot=lot, recall__closed_at__isnull=True).order_by("-recall__created_at")


class RecallLot(models.Model):
    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="lot_rows")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="recall_rows")
    named = models.BooleanField(default=False)  # named in the recall, not found downstream
    previous_status = models.CharField(max_length=20, choices=LotStatus.choices)

    objects = RecallLotQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recall", "lot"], name="recall_lot_once")]

    def __str__(self):
        return f"{self.recall_id}:{self.lot_id}"


class RequestState(models.TextChoices):
    OPEN = "open", _("Chờ cơ sở trả lời")
    ANSWERED = "answered", _("Đã trả lời")


class TracingRequest(models.Model):
    """A mandatory tracing request (Bắc Ninh Art. 4, 6.3) with a deadline (TT 25/2019)."""

    authority = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="tracing_requests_sent"
    )
    business = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("cơ sở được yêu cầu"),
        on_delete=models.PROTECT,
        related_name="tracing_requests",
    )
    subject = models.CharField(_("sản phẩm, lô hoặc mã truy vết"), max_length=255)
    lot = models.ForeignKey(
        Lot, verbose_name=_("lô"), null=True, blank=True, on_delete=models.PROTECT
    )
    reason = models.TextField(_("lý do, nội dung yêu cầu"), max_length=limits.REASON)
    deadline = models.DateField(_("hạn trả lời"))
    state = models.CharField(max_length=10, choices=RequestState.choices, default="open")
    result = models.JSONField(null=True, blank=True)
    comment = models.TextField(_("giải trình của cơ sở"), blank=True, max_length=limits.REASON)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = TracingRequestQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "-id"]

    def __str__(self):
        return f"{self.business}: {self.subject}"

    @property
    def overdue(self):
        today = timezone.localdate()
        if self.state == RequestState.OPEN:
            return today > self.deadline
        return self.answered_at is not None and timezone.localdate(self.answered_at) > self.deadline


class RetentionPolicy(models.Model):
    """How long lot records are kept, per product category (default: TT 25/2019)."""

    category = models.OneToOneField(
        "catalog.Category",
        verbose_name=_("danh mục"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="retention",
    )
    months_after_expiry = models.PositiveSmallIntegerField(_("số tháng sau hạn dùng"), default=12)
    minimum_months = models.PositiveSmallIntegerField(_("tối thiểu (tháng)"), default=24)

    class Meta:
        verbose_name = _("thời hạn lưu trữ")

    def __str__(self):
        return f"{self.category or '*'}: {self.months_after_expiry}/{self.minimum_months}"

    @classmethod
    def for_category(cls, category_id):
        if category_id:
            policy = cls.objects.filter(category_id=category_id).first()
            if policy:
                return policy
        return cls.objects.filter(category__isnull=True).first() or cls()

    def retain_until(self, lot):
        start = lot.production_date or timezone.localdate(lot.created_at)
        candidates = [_add_months(start, self.minimum_months)]
        if lot.expiry_date:
            candidates.append(_add_months(lot.expiry_date, self.months_after_expiry))
        last = Event.objects.filter(lot_rows__lot=lot).aggregate(m=models.Max("event_time"))["m"]
        if last:
            candidates.append(_add_months(timezone.localdate(last), self.minimum_months))
        return max(candidates)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return date(year, month, min(day.day, days))
