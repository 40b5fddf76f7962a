from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from txng.accounts.models import Organisation
from txng.catalog.identifiers import validate_sscc
from txng.catalog.models import Category, Facility, Product
from txng.common import limits
from txng.common.numbers import QuantityInput, quantity
from txng.common.uploads import IMAGE_TYPES, UploadField
from txng.tracing.codes import normalise_sscc
from txng.tracing.models import Lot, LotKind, ProcessTemplate, Stage, StageKind, Unit

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
QTY = {"max_digits": 14, "decimal_places": 3, "min_value": 0, "widget": QuantityInput}


def _now_local():
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class LotForm(forms.Form):
    product = forms.ModelChoiceField(Product.objects.none(), label=_("Sản phẩm"))
    code = forms.CharField(label=_("Số lô"), max_length=20)
    quantity = forms.DecimalField(label=_("Số lượng"), **QTY)
    unit = forms.ChoiceField(label=_("Đơn vị"), choices=Unit.choices)
    production_date = forms.DateField(label=_("Ngày sản xuất"), required=False, widget=DATE)
    expiry_date = forms.DateField(label=_("Hạn sử dụng"), required=False, widget=DATE)
    facility = forms.ModelChoiceField(
        Facility.objects.none(), label=_("Địa điểm sản xuất"), required=False
    )
    process = forms.ModelChoiceField(
        ProcessTemplate.objects.none(), label=_("Quy trình sản xuất"), required=False
    )
    kind = forms.ChoiceField(label=_("Loại"), choices=LotKind.choices)
    time = forms.DateTimeField(
        label=_("Lô bắt đầu từ"),
        widget=DATETIME,
        initial=_now_local,
        required=False,
        help_text=_("Nhật ký và xuất hàng của lô phải từ thời điểm này trở đi."),
    )
    supplier_name = forms.CharField(
        max_length=255, label=_("Nhà cung cấp (nguyên liệu, bao bì mua ngoài)"), required=False
    )
    supplier_lot = forms.CharField(max_length=64, label=_("Số lô của nhà cung cấp"), required=False)
    origin = forms.CharField(max_length=255, label=_("Xuất xứ (nước, tỉnh)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(business=user.organisation_id)
        self.fields["facility"].queryset = Facility.objects.filter(business=user.organisation_id)
        self.fields["process"].queryset = ProcessTemplate.objects.visible_to(user)

    def clean(self):
        data = super().clean()
        start, end = data.get("production_date"), data.get("expiry_date")
        if start and end and end < start:
            self.add_error("expiry_date", _("Hạn sử dụng phải sau ngày sản xuất."))
        return data


class StageRecordForm(forms.Form):
    """What a diary entry and its correction both record about one stage."""

    stage_kind = forms.ChoiceField(label=_("Công đoạn"), choices=StageKind.choices)
    stage_name = forms.CharField(max_length=200, label=_("Tên công đoạn"), required=False)
    time = forms.DateTimeField(label=_("Thời gian"), widget=DATETIME)
    person = forms.CharField(max_length=200, label=_("Người thực hiện"), required=False)
    quantity = forms.DecimalField(label=_("Khối lượng, số lượng"), required=False, **QTY)
    input_name = forms.CharField(
        max_length=200, label=_("Vật tư sử dụng (phân bón, thuốc)"), required=False
    )
    input_dose = forms.CharField(max_length=100, label=_("Liều lượng"), required=False)
    input_supplier_lot = forms.CharField(
        max_length=200, label=_("Lô vật tư, nhà cung cấp"), required=False
    )
    notes = forms.CharField(
        max_length=limits.REASON,
        label=_("Ghi chú"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )
    facility = forms.ModelChoiceField(
        Facility.objects.none(), label=_("Nơi thực hiện"), required=False
    )


class DiaryForm(StageRecordForm):
    # The process's stage first, the photo before the place, as the form always read.
    field_order = ["stage", *StageRecordForm.base_fields]
    field_order.insert(field_order.index("facility"), "photo")
    stage = forms.ModelChoiceField(
        Stage.objects.none(), label=_("Công đoạn theo quy trình"), required=False
    )
    stage_name = forms.CharField(
        max_length=200, label=_("Tên công đoạn (nếu khác)"), required=False
    )
    time = forms.DateTimeField(label=_("Thời gian"), widget=DATETIME, initial=_now_local)
    photo = UploadField(label=_("Ảnh"), required=False, allowed=IMAGE_TYPES)
    facility = forms.ModelChoiceField(
        Facility.objects.none(),
        label=_("Nơi thực hiện"),
        required=False,
        help_text=_("Vùng trồng, xưởng hay kho nơi công đoạn diễn ra (để trống: nơi của lô)."),
    )

    def __init__(self, *args, lot=None, **kwargs):
        super().__init__(*args, **kwargs)
        if lot is not None:
            self.fields["facility"].queryset = Facility.objects.filter(business=lot.business_id)
            self.fields["facility"].empty_label = (
                str(lot.facility) if lot.facility_id else _("Nơi của lô")
            )
        if lot is not None and lot.process_id:
            self.fields["stage"].queryset = Stage.objects.filter(template=lot.process_id)
            self.fields["stage_kind"].required = False
        else:
            del self.fields["stage"]

    def clean(self):
        data = super().clean()
        stage = data.get("stage")
        if stage is not None:
            data["stage_kind"] = stage.kind
            data["stage_name"] = data.get("stage_name") or stage.name
        elif not data.get("stage_kind") and "stage_kind" not in self.errors:
            self.add_error("stage_kind", _("Chọn công đoạn."))
        return data


class ShipForm(forms.Form):
    quantity = forms.DecimalField(label=_("Số lượng xuất"), **QTY)
    shipped_at = forms.DateTimeField(label=_("Ngày xuất"), widget=DATETIME, initial=_now_local)
    receiver = forms.ModelChoiceField(
        Organisation.objects.none(), label=_("Bên nhận trên hệ thống"), required=False
    )
    receiver_name = forms.CharField(
        max_length=255, label=_("Hoặc tên bên nhận ngoài hệ thống"), required=False
    )
    receiver_address = forms.CharField(max_length=500, label=_("Địa chỉ bên nhận"), required=False)
    transporter = forms.CharField(max_length=255, label=_("Đơn vị vận chuyển"), required=False)
    invoice_no = forms.CharField(label=_("Số hóa đơn"), required=False, max_length=64)
    delivery_note_no = forms.CharField(label=_("Số phiếu xuất kho"), required=False, max_length=64)
    sscc = forms.CharField(
        label=_("Mã SSCC (thùng/pallet)"),
        required=False,
        max_length=40,  # as a scanner reads the label: "(00) 3 8930000 000100500 5"
        help_text=_("18 chữ số in dưới mã vạch (00) trên nhãn thùng/pallet, nếu có."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiver"].queryset = (
            Organisation.objects.businesses().filter(status="active").exclude(pk=business.pk)
        )

    def clean_sscc(self):
        sscc = normalise_sscc(self.cleaned_data["sscc"])
        validate_sscc(sscc)
        return sscc


class ReceiptForm(forms.Form):
    received_quantity = forms.DecimalField(label=_("Số lượng thực nhận"), **QTY)
    receipt_note = forms.CharField(
        max_length=500, label=_("Ghi chú (lý do chênh lệch)"), required=False
    )


class QuantityReasonForm(forms.Form):
    quantity = forms.DecimalField(
        label=_("Số lượng"), max_digits=14, decimal_places=3, widget=QuantityInput
    )
    reason = forms.CharField(
        max_length=limits.REASON, label=_("Lý do"), widget=forms.Textarea({"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=limits.REASON, label=_("Lý do"), widget=forms.Textarea({"rows": 3})
    )


class RecallLotsForm(forms.Form):
    """Several lots of one product recalled together, e.g. every lot made from one bad batch."""

    lots = forms.ModelMultipleChoiceField(
        Lot.objects.none(),
        label=_("Các lô thu hồi"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Chọn ít nhất một lô để thu hồi.")},
    )
    reason = forms.CharField(
        max_length=limits.REASON, label=_("Lý do thu hồi"), widget=forms.Textarea({"rows": 3})
    )

    def __init__(self, *args, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lots"].queryset = lots
        self.fields["lots"].label_from_instance = self._label

    @staticmethod
    def _label(lot):
        made = lot.production_date.strftime("%d/%m/%Y") if lot.production_date else "—"
        return _("Lô %(code)s · %(business)s · sản xuất %(made)s · tồn %(stock)s") % {
            "code": lot.code,
            "business": lot.business,
            "made": made,
            "stock": quantity(lot.in_stock, lot.unit),
        }


class RecallResultForm(forms.Form):
    result = forms.CharField(
        max_length=limits.REASON,
        label=_("Kết quả thu hồi"),
        help_text=_("Số lượng đã thu về ở từng nơi, cách xử lý (tiêu hủy, tái chế, trả về...)."),
        widget=forms.Textarea({"rows": 4}),
    )


class TransformForm(forms.Form):
    inputs = forms.CharField(
        max_length=limits.DESCRIPTION,
        label=_("Lô đầu vào"),
        help_text=_("Mỗi dòng: số lô = số lượng. Ví dụ: HD-2026-01 = 120"),
        widget=forms.Textarea({"rows": 3}),
    )
    outputs = forms.CharField(
        max_length=limits.DESCRIPTION,
        label=_("Lô đầu ra"),
        help_text=_("Mỗi dòng: số lô = số lượng (lô đã tạo trước)."),
        widget=forms.Textarea({"rows": 2}),
    )
    note = forms.CharField(max_length=limits.REASON, label=_("Ghi chú"), required=False)


class TracingRequestForm(forms.Form):
    business = forms.ModelChoiceField(Organisation.objects.none(), label=_("Cơ sở"))
    subject = forms.CharField(max_length=255, label=_("Sản phẩm, số lô hoặc mã truy vết"))
    reason = forms.CharField(
        max_length=limits.REASON, label=_("Nội dung yêu cầu"), widget=forms.Textarea({"rows": 3})
    )
    deadline = forms.DateField(
        label=_("Hạn trả lời"),
        required=False,
        widget=DATE,
        help_text=_("Để trống: 5 ngày làm việc."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business"].queryset = Organisation.objects.managed_by(user.organisation)


class AnswerForm(forms.Form):
    comment = forms.CharField(
        max_length=limits.REASON,
        label=_("Giải trình, ghi chú"),
        required=False,
        widget=forms.Textarea({"rows": 4}),
    )


class ProcessForm(forms.Form):
    name = forms.CharField(max_length=255, label=_("Tên quy trình"))
    description = forms.CharField(
        max_length=limits.DESCRIPTION,
        label=_("Mô tả, tiêu chuẩn áp dụng"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )
    stages = forms.CharField(
        max_length=limits.DESCRIPTION,
        label=_("Các công đoạn"),
        help_text=_("Mỗi dòng một công đoạn theo thứ tự, ví dụ: Bón phân"),
        widget=forms.Textarea({"rows": 6}),
    )
    published = forms.BooleanField(label=_("Công bố làm quy trình mẫu"), required=False)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại dữ liệu"),
        choices=[
            ("lots", _("Lô hàng")),
            ("diary", _("Nhật ký sản xuất")),
            ("shipments", _("Xuất hàng")),
        ],
    )
    file = forms.FileField(label=_("Tệp XLSX hoặc CSV"))


class CorrectionForm(StageRecordForm):
    reason = forms.CharField(
        max_length=limits.REASON, label=_("Lý do sửa"), widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args, lot, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = Facility.objects.filter(business=lot.business_id)


class RetentionForm(forms.Form):
    category = forms.ModelChoiceField(
        Category.objects.all(),
        label=_("Danh mục"),
        required=False,
        empty_label=_("Mặc định (mọi danh mục không đặt riêng)"),
    )
    months_after_expiry = forms.IntegerField(
        label=_("Số tháng sau hạn sử dụng"), min_value=0, max_value=600
    )
    minimum_months = forms.IntegerField(
        label=_("Tối thiểu (tháng, tính từ ngày sản xuất và từ sự kiện cuối)"),
        min_value=1,
        max_value=600,
    )
