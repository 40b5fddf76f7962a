from django import forms
from django.utils.translation import gettext_lazy as _

from txng.accounts.models import Organisation, OrgKind
from txng.catalog.actions import PRODUCT_FIELDS
from txng.catalog.models import Category, Document, Facility, Product
from txng.common import limits, links
from txng.common.uploads import DOCUMENT_TYPES, IMAGE_TYPES, UploadField


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = PRODUCT_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "ingredients": forms.Textarea(attrs={"rows": 2}),
            "gtin": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        help_texts = {"gtin": _("Không bắt buộc. Mã bắt đầu bằng 893 là mã Việt Nam.")}

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = Facility.objects.filter(business=business)
        self.fields["category"].queryset = Category.objects.select_related("parent")

    def clean_gtin(self):
        return "".join((self.cleaned_data.get("gtin") or "").split())


class ProfileForm(forms.Form):
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=50, required=False)
    english_name = forms.CharField(label=_("Tên tiếng Anh"), max_length=255, required=False)
    address = forms.CharField(label=_("Địa chỉ"), max_length=500)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    representative = forms.CharField(label=_("Người đại diện"), max_length=255, required=False)
    licence_number = forms.CharField(
        label=_("Số giấy chứng nhận đăng ký kinh doanh"), max_length=100, required=False
    )
    website = forms.URLField(
        validators=[links.validate_web_url],
        max_length=200,
        label=_("Trang web"),
        required=False,
        assume_scheme="https",
    )
    description = forms.CharField(
        max_length=limits.DESCRIPTION,
        label=_("Giới thiệu"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    logo = UploadField(
        label=_("Biểu trưng (logo)"),
        allowed=IMAGE_TYPES,
        required=False,
        max_bytes=2 * 1024 * 1024,
        help_text=_("JPEG, PNG hoặc WebP, tối đa 2 MB."),
    )


class FacilityForm(forms.ModelForm):
    class Meta:
        model = Facility
        fields = [
            "name",
            "kind",
            "address",
            "commune",
            "latitude",
            "longitude",
            "area",
            "gln",
            "certifications",
        ]
        widgets = {"gln": forms.TextInput(attrs={"inputmode": "numeric"})}
        help_texts = {
            "latitude": _("Ví dụ: 22.8366 (không bắt buộc)"),
            "longitude": _("Ví dụ: 106.5563"),
            "gln": _("13 chữ số, không bắt buộc."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Organisation.objects.filter(kind=OrgKind.COMMUNE)


class DocumentForm(forms.ModelForm):
    file = UploadField(
        label=_("Tệp"), allowed=DOCUMENT_TYPES, help_text=_("PDF, JPEG hoặc PNG, tối đa 10 MB.")
    )

    class Meta:
        model = Document
        fields = ["kind", "product", "number", "issuer", "issued_on", "expires_on", "file"]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"product": _("Để trống nếu là tài liệu chung của cơ sở.")}

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(business=business)

    def clean(self):
        data = super().clean()
        issued, expires = data.get("issued_on"), data.get("expires_on")
        if issued and expires and expires < issued:
            self.add_error("expires_on", _("Ngày hết hiệu lực phải sau ngày cấp."))
        return data


class ImageForm(forms.Form):
    image = UploadField(
        label=_("Thêm ảnh"),
        allowed=IMAGE_TYPES,
        help_text=_("JPEG, PNG hoặc WebP, tối đa 10 MB. Ảnh được nén lại và bỏ thông tin ẩn."),
    )


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "slug", "parent"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=limits.REASON,
        label=_("Lý do / ý kiến"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class SubmitForm(forms.Form):
    note = forms.CharField(
        max_length=limits.REASON,
        label=_("Ghi chú gửi cơ quan duyệt"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
