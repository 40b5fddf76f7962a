from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from txng.audit import labels
from txng.audit.models import AuditEntry
from txng.common import limits
from txng.common.access import role_required


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Hành động"),
        required=False,
        # Called when the form is made: apps register their labels at start-up.
        choices=lambda: [("", _("Tất cả")), *labels.choices()],
    )
    organisation = forms.ModelChoiceField(
        label=_("Tổ chức"),
        # The model the log's organisation column points at (accounts sits above audit).
        queryset=AuditEntry._meta.get_field("organisation").related_model.objects.all(),
        required=False,
        empty_label=_("Tất cả"),
    )
    actor = forms.CharField(max_length=limits.SEARCH, label=_("Người thực hiện"), required=False)
    object = forms.CharField(max_length=limits.SEARCH, label=_("Đối tượng"), required=False)
    since = forms.DateField(
        label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def apply(self, qs):
        """The entries matching every valid filter; an invalid one (an old bookmark's action
        code, a bad date) is left out and shown with its error, not the whole search."""
        if not self.is_bound:
            return qs
        self.is_valid()
        d = self.cleaned_data
        action = d.get("action", "")
        if action.endswith("."):  # a whole group
            qs = qs.filter(action__startswith=action)
        elif action:
            qs = qs.filter(action=action)
        if d.get("organisation"):
            qs = qs.filter(organisation=d["organisation"])
        if d.get("actor"):
            qs = qs.filter(actor_name__icontains=d["actor"])
        if d.get("object"):
            qs = qs.filter(object_repr__icontains=d["object"])
        if d.get("since"):
            qs = qs.filter(at__date__gte=d["since"])
        if d.get("until"):
            qs = qs.filter(at__date__lte=d["until"])
        return qs


@role_required("dost")
def audit_log(request):
    filters = AuditFilterForm(request.GET or None)
    qs = filters.apply(AuditEntry.objects.visible_to(request.user)).select_related("organisation")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"filters": filters, "page": page})
