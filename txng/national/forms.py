import json

from django import forms
from django.utils.translation import gettext_lazy as _

from txng.national.models import Hub, RecordType


class HubForm(forms.ModelForm):
    class Meta:
        model = Hub
        fields = [
            "name",
            "url",
            "token_url",
            "max_attempts",
            "breaker_threshold",
            "breaker_cooldown",
        ]


class FixForm(forms.Form):
    payload = forms.CharField(
        label=_("Dữ liệu gửi đi (JSON)"),
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        max_length=200_000,
        help_text=_("Để trống: gửi lại theo dữ liệu hiện có trong hệ thống."),
    )

    def clean_payload(self):
        text = self.cleaned_data["payload"].strip()
        if not text:
            return None
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("Dữ liệu gửi đi không phải JSON hợp lệ.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Dữ liệu gửi đi phải là một đối tượng JSON."))
        return value


class SectorForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại dữ liệu"), choices=RecordType.choices[:2], initial=RecordType.ORGANISATION
    )
    file = forms.FileField(label=_("Tệp CSV hoặc JSON"))
