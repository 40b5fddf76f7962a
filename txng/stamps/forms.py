import re
from urllib.parse import unquote

from django import forms
from django.utils.translation import gettext_lazy as _

from txng.common import limits
from txng.common.uploads import IMAGE_TYPES, UploadField
from txng.stamps import codes
from txng.stamps.models import MAX_ORDER_QUANTITY, FakeReport, PrintOrder


class OrderForm(forms.ModelForm):
    logo = UploadField(
        label=_("logo in trên tem"), allowed=IMAGE_TYPES, required=False, max_bytes=2 * 1024 * 1024
    )

    class Meta:
        model = PrintOrder
        fields = [
            "product",
            "lot",
            "quantity",
            "size_mm",
            "layout",
            "show_name",
            "show_code",
            "logo",
            "url_kind",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        from txng.catalog.models import Product, PublicState
        from txng.tracing.models import Lot

        # Stamps only for products the managing agency approved (stamps.actions checks again).
        approved = Product.objects.filter(business=business, state=PublicState.PUBLISHED)
        self.fields["product"].queryset = approved
        self.fields["product"].help_text = _(
            "Chỉ sản phẩm đã được cơ quan quản lý duyệt công bố mới đặt in tem được."
        )
        self.fields["lot"].queryset = Lot.objects.filter(
            business=business, product__in=approved
        ).select_related("product")
        self.fields["lot"].help_text = _("Không bắt buộc: có thể kích hoạt tem vào lô sau.")
        self.fields["quantity"].widget.attrs.update(min=1, max=MAX_ORDER_QUANTITY)
        self.fields["quantity"].help_text = _("Tối đa 1.000.000 tem mỗi đơn.")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=limits.REASON, label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2})
    )


_SHORT_URL = re.compile(r"/q/([^/?#]+)")
_DIGITAL_LINK = re.compile(r"/21/([^/?#]+)")


def parse_stamp_ref(value):
    """A serial number, or a stamp code or scanned URL (short or Digital Link): (serial, code)."""
    value = (value or "").strip()
    if value.isdigit():
        return int(value), None
    if match := _DIGITAL_LINK.search(value):
        body = codes.normalise(unquote(match.group(1)))
        try:
            return None, body + codes.check_char(body)
        except ValueError:
            return None, body
    if match := _SHORT_URL.search(value):
        value = unquote(match.group(1))
    return None, codes.normalise(value)


class RangeForm(forms.Form):
    order = forms.ModelChoiceField(
        label=_("Đơn in tem"), queryset=PrintOrder.objects.none(), required=False
    )
    first = forms.CharField(
        label=_("Tem đầu"), help_text=_("Số sê-ri, hoặc quét/nhập mã trên tem."), max_length=300
    )
    last = forms.CharField(
        label=_("Tem cuối"), help_text=_("Số sê-ri, hoặc quét/nhập mã trên tem."), max_length=300
    )

    def __init__(self, *args, orders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = orders
        self.fields["order"].help_text = _("Cần chọn khi nhập số sê-ri; không cần khi quét tem.")


class ActivateForm(RangeForm):
    lot = forms.ModelChoiceField(label=_("Lô hàng"), queryset=None)

    def __init__(self, *args, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = lots


class VoidForm(RangeForm):
    reason = forms.CharField(
        max_length=limits.REASON, label=_("Lý do hủy"), widget=forms.Textarea(attrs={"rows": 2})
    )


class QuotaForm(forms.Form):
    yearly_limit = forms.IntegerField(label=_("Hạn mức tem mỗi năm"), min_value=0)


class FakeReportForm(forms.ModelForm):
    photo = UploadField(label=_("Ảnh chụp (không bắt buộc)"), allowed=IMAGE_TYPES, required=False)

    class Meta:
        model = FakeReport
        fields = ["what", "where_bought", "photo", "contact"]
        widgets = {"what": forms.Textarea(attrs={"rows": 3})}


class LocationForm(forms.Form):
    token = forms.CharField(max_length=200)
    lat = forms.FloatField(min_value=-90, max_value=90)
    lon = forms.FloatField(min_value=-180, max_value=180)
