"""Spam resistance for the public forms without an outside service: a hidden field people never
fill (the honeypot), a signed time the form was shown (a bot posting within seconds is refused),
and nh3 to strip any markup from what is shown back to the public."""

import time

import nh3
from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from txng.common import limits

MIN_SECONDS = 3  # a person reads the form before sending it
MAX_AGE = 24 * 3600
SALT = "feedback.form-started"


def clean_text(value):
    """Plain text only: tags are dropped, their text kept; Django escapes it again on output."""
    return nh3.clean(value or "", tags=set(), attributes={}).strip()


class HumanCheckMixin(forms.Form):
    # Named like a field a bot wants to fill; hidden from people by CSS and aria-hidden.
    website = forms.CharField(
        required=False,
        max_length=limits.LINE,
        label=_("Để trống ô này"),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "tabindex": "-1", "class": "hp", "aria-hidden": "true"}
        ),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False, max_length=limits.SEARCH)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started"].initial = signing.dumps(time.time(), salt=SALT)

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(_("Không gửi được. Vui lòng thử lại."))
        try:
            started = signing.loads(data.get("started") or "", salt=SALT, max_age=MAX_AGE)
        except signing.BadSignature:
            raise forms.ValidationError(
                _("Biểu mẫu đã hết hạn. Vui lòng tải lại trang và gửi lại.")
            ) from None
        if time.time() - float(started) < MIN_SECONDS:
            raise forms.ValidationError(
                _("Bạn gửi quá nhanh. Vui lòng kiểm tra lại nội dung rồi gửi.")
            )
        return data
