from django import forms
from django.utils.translation import gettext_lazy as _

from txng.accounts.models import OrgKind, User
from txng.catalog.models import Document, Product
from txng.common import limits
from txng.ocop.models import Application, AppState, Conditions, ProductGroup


class ApplyForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Sản phẩm"), queryset=Product.objects.none())
    group = forms.ChoiceField(label=_("Nhóm sản phẩm OCOP"), choices=ProductGroup.choices)
    evidence = forms.ModelMultipleChoiceField(
        label=_("Minh chứng (tài liệu đã có)"),
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tiêu chuẩn, kết quả kiểm nghiệm, nhãn hiệu… đã tải lên mục Tài liệu."),
    )
    note = forms.CharField(
        label=_("Ghi chú"), required=False, max_length=limits.REASON, widget=forms.Textarea
    )

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(business=business)
        self.fields["evidence"].queryset = Document.objects.filter(business=business)


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do, ghi chú"), required=False, max_length=limits.REASON, widget=forms.Textarea
    )


class RecogniseForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=100)
    decided_on = forms.DateField(
        label=_("Ngày quyết định"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ministry = forms.BooleanField(
        label=_("Kết quả của Bộ Nông nghiệp và Môi trường (5 sao)"), required=False
    )


class SheetUploadForm(forms.Form):
    group = forms.ChoiceField(label=_("Nhóm sản phẩm"), choices=ProductGroup.choices)
    subgroup = forms.CharField(label=_("Phân nhóm"), max_length=limits.LINE, required=False)
    title = forms.CharField(label=_("Tên bộ phiếu"), max_length=limits.LINE)
    source = forms.CharField(
        label=_("Căn cứ"),
        max_length=limits.LINE,
        required=False,
        help_text=_("Ví dụ: Phụ lục III, Quyết định 148/QĐ-TTg."),
    )
    is_example = forms.BooleanField(label=_("Chỉ là phiếu mẫu minh họa"), required=False)
    file = forms.FileField(
        label=_("Tệp phiếu chấm (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Tên đợt chấm"), max_length=limits.LINE)
    year = forms.IntegerField(label=_("Năm"), min_value=2023, max_value=2100)
    members = forms.ModelMultipleChoiceField(
        label=_("Thành viên Hội đồng (cán bộ cấp tỉnh)"),
        queryset=User.objects.filter(
            is_active=True, organisation__kind__in=(OrgKind.DOST, OrgKind.DEPARTMENT)
        ).order_by("organisation__name", "full_name"),
        widget=forms.CheckboxSelectMultiple,
    )
    applications = forms.ModelMultipleChoiceField(
        label=_("Hồ sơ xã đã đề xuất"),
        queryset=Application.objects.filter(state=AppState.PROPOSED, round__isnull=True),
        widget=forms.CheckboxSelectMultiple,
    )


class ConditionsForm(forms.ModelForm):
    class Meta:
        model = Conditions
        fields = [
            "require_profile",
            "require_product",
            "lot_months",
            "no_open_recall",
            "validity_months",
        ]


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do thu hồi"), max_length=limits.REASON, widget=forms.Textarea
    )


class ListFilter(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("Số sao"),
        choices=[("", _("Tất cả")), *[(i, f"{i}★") for i in (3, 4, 5)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    group = forms.ChoiceField(
        label=_("Nhóm"), choices=[("", _("Tất cả")), *ProductGroup.choices], required=False
    )
    expiring = forms.BooleanField(label=_("Sắp hết hiệu lực (90 ngày)"), required=False)
