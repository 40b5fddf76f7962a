from django import forms
from django.utils.translation import gettext_lazy as _

from txng.common import limits
from txng.common.uploads import IMAGE_TYPES, UploadField
from txng.feedback.models import Case, CaseKind, Comment
from txng.feedback.spam import HumanCheckMixin, clean_text

PUBLIC_KINDS = [(k.value, k.label) for k in CaseKind if k != CaseKind.FINDING]


class CaseForm(HumanCheckMixin, forms.ModelForm):
    kind = forms.ChoiceField(label=_("Loại phản ánh"), choices=PUBLIC_KINDS)
    photo = UploadField(label=_("Ảnh chụp (không bắt buộc)"), allowed=IMAGE_TYPES, required=False)

    def __init__(self, *args, official=False, **kwargs):
        super().__init__(*args, **kwargs)
        if official:
            self.fields["kind"].choices = CaseKind.choices

    class Meta:
        model = Case
        fields = [
            "kind",
            "description",
            "where",
            "photo",
            "reporter_name",
            "reporter_email",
            "reporter_phone",
            "contact_shared",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def clean_description(self):
        text = clean_text(self.cleaned_data["description"])
        if not text:
            raise forms.ValidationError(_("Hãy mô tả điều bạn phản ánh."))
        return text

    def clean_where(self):
        return clean_text(self.cleaned_data["where"])


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do, nội dung"),
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LotsForm(ReasonForm):
    lots = forms.ModelMultipleChoiceField(label=_("Lô hàng"), queryset=None)

    def __init__(self, *args, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lots"].queryset = lots


class TracingForm(ReasonForm):
    lot = forms.ModelChoiceField(label=_("Lô hàng (không bắt buộc)"), queryset=None, required=False)

    def __init__(self, *args, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = lots


class ReassignForm(ReasonForm):
    agency = forms.ModelChoiceField(label=_("Cơ quan xử lý"), queryset=None)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class CommentForm(HumanCheckMixin, forms.ModelForm):
    stars = forms.TypedChoiceField(
        label=_("Số sao"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    photo = UploadField(label=_("Ảnh (không bắt buộc)"), allowed=IMAGE_TYPES, required=False)

    class Meta:
        model = Comment
        fields = ["stars", "body", "author_name", "photo"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3, "maxlength": 2000})}

    def clean_body(self):
        text = clean_text(self.cleaned_data["body"])
        if not text:
            raise forms.ValidationError(_("Hãy viết nhận xét."))
        return text


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Trả lời công khai"),
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PreferencesForm(forms.Form):
    """One choice per kind of notice, and the language of the mails."""

    def __init__(self, *args, current, language, **kwargs):
        from django.conf import settings

        from txng.accounts.models import Delivery, NotificationKind

        super().__init__(*args, **kwargs)
        self.fields["language"] = forms.ChoiceField(
            label=_("Ngôn ngữ thư"), choices=settings.LANGUAGES, initial=language
        )
        for kind in NotificationKind:
            self.fields[f"kind_{kind.value}"] = forms.ChoiceField(
                label=kind.label, choices=Delivery.choices, initial=current[kind.value]
            )

    def choices(self):
        return {
            name.removeprefix("kind_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("kind_")
        }
