from django import forms
from django.utils.translation import gettext_lazy as _

from txng.epcis.models import Scope


class KeyForm(forms.Form):
    name = forms.CharField(label=_("Tên khóa"), max_length=100, help_text=_("Ví dụ: phần mềm kho"))
    scopes = forms.MultipleChoiceField(
        label=_("Quyền"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation is not None:
            # Businesses capture their events; authorities send the sector's data.
            other = Scope.SECTOR if organisation.is_business else Scope.CAPTURE
            self.fields["scopes"].choices = [c for c in Scope.choices if c[0] != other]
