"""Pages where a business owner or an authority head manages the organisation's API keys."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from txng.common.access import get_visible_or_404
from txng.common.forms import save_form
from txng.epcis import keys
from txng.epcis.forms import KeyForm
from txng.epcis.models import ApiKey


def _manager(request):
    if not keys.may_manage_keys(request.user):
        raise PermissionDenied(_("Chỉ chủ cơ sở hoặc lãnh đạo cơ quan quản lý khóa API."))


@login_required
def key_list(request):
    _manager(request)
    form = KeyForm(request.POST or None, organisation=request.user.organisation)
    shown = None
    if saved := save_form(
        request,
        form,
        lambda: keys.create_key(actor=request.user, **form.cleaned_data),
    ):
        shown = saved.result[1]
        form = KeyForm(organisation=request.user.organisation)
    rows = ApiKey.objects.visible_to(request.user)
    return render(request, "epcis/keys.html", {"form": form, "keys": rows, "shown": shown})


@login_required
@require_POST
def key_action(request, pk, action):
    _manager(request)
    key = get_visible_or_404(ApiKey.objects, request.user, pk=pk)
    try:
        if action == "rotate":
            _new, shown = keys.rotate_key(key, actor=request.user)
            rows = ApiKey.objects.visible_to(request.user)
            form = KeyForm(organisation=request.user.organisation)
            return render(request, "epcis/keys.html", {"form": form, "keys": rows, "shown": shown})
        keys.revoke_key(key, actor=request.user)
        messages.success(request, _("Đã thu hồi khóa %(name)s.") % {"name": key.name})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("apikeys:keys")
