from django import forms

from txng.resolver.models import Delegation


class DelegationForm(forms.ModelForm):
    resolver_url = Delegation._meta.get_field("resolver_url").formfield(assume_scheme="https")

    class Meta:
        model = Delegation
        fields = ["prefix", "resolver_url", "name"]
