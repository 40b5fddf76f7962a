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


class SheetRowForm(forms.Form):
    """One option of a criterion, as one row of the XLSX template; consecutive rows with the
    same part, sub-group and criterion make one criterion (sheets.criteria_from_rows)."""

    part = forms.ChoiceField(
        label=_("Phần"), choices=[("", "—"), ("A", "A"), ("B", "B"), ("C", "C")]
    )
    group = forms.CharField(label=_("Nhóm tiêu chí"), max_length=limits.LINE, required=False)
    text = forms.CharField(label=_("Tiêu chí"), max_length=limits.LINE)
    label = forms.CharField(label=_("Mức đánh giá"), max_length=limits.LINE)
    # Text, not a number field, so "2,5" reads as the XLSX import reads it (sheets._points).
    points = forms.CharField(label=_("Điểm"), max_length=12)
    bonus = forms.BooleanField(label=_("Điểm cộng"), required=False)


class BaseSheetRowFormSet(forms.BaseFormSet):
    """Rows in the order their "Thứ tự" numbers give (existing rows start at 10, 20, 30… so a
    new row can go between two without JavaScript); blank new rows and deleted rows drop out."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["ORDER"].label = _("Thứ tự")
        if index is not None and index < self.initial_form_count():
            form.fields["ORDER"].initial = (index + 1) * 10

    def rows(self):
        """The kept rows, numbered as the page shows them, for sheets.criteria_from_rows."""
        numbers = {id(form): n for n, form in enumerate(self.forms, start=1)}
        for form in self.ordered_forms:
            d = form.cleaned_data
            yield (
                numbers[id(form)],
                [
                    d["part"],
                    d["group"],
                    d["text"],
                    d["label"],
                    d["points"],
                    "x" if d["bonus"] else "",
                ],
            )


SheetRowFormSet = forms.formset_factory(
    SheetRowForm,
    formset=BaseSheetRowFormSet,
    extra=5,
    can_delete=True,
    can_order=True,
    max_num=2000,
    validate_max=True,
    absolute_max=2000,
)
