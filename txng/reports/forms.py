from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from txng.common import limits
from txng.reports.models import AgencyReport, PeriodKind, ReportPeriod

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_DAYS = 366 * 5


class RangeForm(forms.Form):
    """The dashboard's period: from 1 January to today unless chosen."""

    start = forms.DateField(label=_("Từ ngày"), required=False, widget=DATE)
    end = forms.DateField(label=_("Đến ngày"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or date(end.year, 1, 1)
        if start > end:
            raise forms.ValidationError({"start": _("Ngày bắt đầu phải trước ngày kết thúc.")})
        if (end - start).days > MAX_DAYS:
            raise forms.ValidationError({"start": _("Chọn khoảng thời gian không quá 5 năm.")})
        data["start"], data["end"] = start, end
        return data

    def span(self):
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        today = timezone.localdate()
        return date(today.year, 1, 1), today


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại báo cáo"), choices=PeriodKind.choices)
    year = forms.IntegerField(label=_("Năm"), min_value=2020, max_value=2100)
    deadline = forms.DateField(
        label=_("Hạn nộp"),
        required=False,
        widget=DATE,
        help_text=_("Để trống: 20/6 với báo cáo 6 tháng, 25/12 với báo cáo năm."),
    )


class ReportForm(forms.ModelForm):
    class Meta:
        model = AgencyReport
        fields = ["situation", "difficulties", "proposals"]
        widgets = {f: forms.Textarea(attrs={"rows": 5}) for f in fields}


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 3})
    )


class AggregateForm(forms.ModelForm):
    class Meta:
        model = ReportPeriod
        fields = [
            "number",
            "place",
            "summary",
            "proposals",
            "recipients",
            "signer_title",
            "signer_name",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "proposals": forms.Textarea(attrs={"rows": 4}),
            "recipients": forms.Textarea(attrs={"rows": 4}),
        }


class ExportFilterForm(forms.Form):
    product = forms.CharField(label=_("Sản phẩm"), required=False, max_length=100)
    lot = forms.CharField(label=_("Số lô"), required=False, max_length=64)
    business = forms.CharField(
        label=_("Cơ sở (tên hoặc mã số thuế)"), required=False, max_length=100
    )
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError({"date_from": _("Ngày bắt đầu phải trước ngày kết thúc.")})
        return data

    def params(self):
        return {
            k: (v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in self.cleaned_data.items()
            if v
        }


class BusinessExportForm(ExportFilterForm):
    business = None

    def clean(self):
        data = super().clean()
        if not data.get("date_from") or not data.get("date_to"):
            raise forms.ValidationError({"date_from": _("Chọn từ ngày và đến ngày.")})
        return data
