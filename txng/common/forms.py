from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError


def add_errors(form, exc):
    """Put an action's ValidationError onto the form, field by field where it names fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)
    return form


@dataclass(frozen=True)
class Saved:
    """What save_form returns when the action went through; always truthy, so a view can write
    `if saved := save_form(...)` even for an action that returns None."""

    result: object


def save_form(request, form, action, message=None):
    """The POST half of a form view: run `action()` when the request is a POST and `form` is
    valid. On success add `message` (when given) as a success message and return
    Saved(action's result). When the action raises ValidationError, put it on the form field by
    field (add_errors) and return None, as for a GET or an invalid form, so the view re-renders
    the form with its errors. A GET never runs the action, whatever the form holds.

        if saved := save_form(request, form, lambda: actions.save_x(...), _("Đã lưu.")):
            return redirect("app:x", pk=saved.result.pk)
        return render(request, "app/x_form.html", {"form": form})
    """
    if request.method != "POST":
        return None
    # Kept for the app's offline sending (txng.pwa.middleware), which answers a phone with the
    # reasons in JSON instead of the re-rendered page.
    request.refused_form = form
    if not form.is_valid():
        return None
    try:
        result = action()
    except ValidationError as exc:
        add_errors(form, exc)
        return None
    request.refused_form = None
    if message is not None:
        messages.success(request, message)
    return Saved(result)
