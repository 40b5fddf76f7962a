from django import forms
from django.utils.translation import gettext_lazy as _

from txng.accounts import provinces
from txng.accounts.identifiers import clean_tax_code, clean_vn_phone
from txng.accounts.models import BusinessType, Organisation, OrgKind
from txng.common import limits
from txng.common.uploads import DOCUMENT_TYPES, UploadField
from txng.enrolment.models import (
    APPLICANT_FIELDS,
    CONSENT_REQUIRED,
    Dossier,
    DossierState,
    Purpose,
)


class DossierForm(forms.ModelForm):
    """The annex's Phiếu đăng ký, plus the business licence (PDF/JPEG/PNG, ≤ 10 MB)."""

    purposes = forms.MultipleChoiceField(
        label=_("Mục đích đăng ký"),
        choices=Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    licence = UploadField(
        label=_("Giấy chứng nhận đăng ký kinh doanh / doanh nghiệp / hộ kinh doanh / HTX"),
        allowed=DOCUMENT_TYPES,
        help_text=_("PDF, JPEG hoặc PNG, tối đa 10 MB."),
    )

    class Meta:
        model = Dossier
        fields = ["addressed_to", *APPLICANT_FIELDS, "commitment", "privacy_consent", "licence"]
        widgets = {
            "products": forms.Textarea(attrs={"rows": 3}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "tax_code": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        labels = {"addressed_to": _("Kính gửi (nơi nộp hồ sơ)")}
        help_texts = {
            "addressed_to": _("Sở Khoa học và Công nghệ hoặc cơ quan trực tiếp quản lý cơ sở."),
            "products": _("Mỗi sản phẩm một dòng."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "addressed_to" in self.fields:
            kinds = [OrgKind.DEPARTMENT, OrgKind.COMMUNE]
            if provinces.current().dossiers_to_dost:
                kinds.append(OrgKind.DOST)
            self.fields["addressed_to"].queryset = Organisation.objects.filter(
                kind__in=kinds, parent__isnull=True, status="active"
            ).order_by("kind", "name")
        self.fields["commune"].queryset = Organisation.objects.filter(kind=OrgKind.COMMUNE)
        self.fields["commitment"].required = True
        self.fields["commitment"].error_messages["required"] = _(
            "Cần đánh dấu cam kết để nộp hồ sơ."
        )
        self.fields["privacy_consent"].required = True
        self.fields["privacy_consent"].error_messages["required"] = CONSENT_REQUIRED

    def clean_tax_code(self):
        return clean_tax_code(self.cleaned_data["tax_code"])

    def clean_phone(self):
        return clean_vn_phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if not data.get("purposes") and not data.get("other_purpose"):
            self.add_error("purposes", _("Chọn ít nhất một mục đích đăng ký."))
        return data

    def licence_must_be_chosen_again(self):
        """A browser never refills a file input: when the form comes back with errors, say so
        next to the licence instead of letting the applicant think it was kept."""
        if self.files.get(self.add_prefix("licence")) and "licence" not in self.errors:
            self.add_error(
                "licence",
                _(
                    "Tệp đã chọn chưa được lưu vì phiếu còn lỗi ở trên: "
                    "sau khi sửa, hãy chọn lại tệp giấy chứng nhận rồi nộp."
                ),
            )


class SupplementForm(DossierForm):
    """The same form, reopened through the tracking link; the licence may be kept."""

    note = forms.CharField(
        max_length=limits.REASON,
        label=_("Giải trình bổ sung"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    class Meta(DossierForm.Meta):
        fields = [f for f in DossierForm.Meta.fields if f != "addressed_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["licence"].required = False
        self.fields["licence"].label = _("Tải lại giấy chứng nhận (nếu cần)")
        # Consent given with the first submission stands; a dossier from before the notice
        # existed is asked for it now.
        if self.instance.privacy_consent:
            del self.fields["privacy_consent"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả"))] + list(DossierState.choices),
    )
    commune = forms.ModelChoiceField(
        label=_("Xã, phường"),
        required=False,
        queryset=Organisation.objects.filter(kind=OrgKind.COMMUNE),
        empty_label=_("Tất cả"),
    )
    business_type = forms.ChoiceField(label=_("Loại hình"), required=False)
    since = forms.DateField(
        label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(max_length=limits.SEARCH, label=_("Tìm"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_type"].choices = [("", _("Tất cả"))] + list(BusinessType.choices)

    def apply(self, qs):
        if not self.is_valid():
            return qs
        d = self.cleaned_data
        if d["state"]:
            qs = qs.filter(state=d["state"])
        if d["commune"]:
            qs = qs.filter(commune=d["commune"])
        if d["business_type"]:
            qs = qs.filter(business_type=d["business_type"])
        if d["since"]:
            qs = qs.filter(submitted_at__date__gte=d["since"])
        if d["until"]:
            qs = qs.filter(submitted_at__date__lte=d["until"])
        if d["q"]:
            qs = qs.filter(name__icontains=d["q"]) | qs.filter(tax_code__icontains=d["q"])
        return qs
