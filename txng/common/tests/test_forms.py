import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from txng.common.forms import Saved, save_form

VALID = {"name": "Cà phê", "quantity": "3"}


class LotForm(forms.Form):
    name = forms.CharField()
    quantity = forms.IntegerField()


def make_request(method="post", data=VALID):
    request = getattr(RequestFactory(), method)("/", data)
    request._messages = CookieStorage(request)
    return request


def messages_of(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


class Action:
    """Stands in for an actions.py call: counts its calls, returns or raises what it is given."""

    def __init__(self, returns=None, raises=None):
        self.calls, self.returns, self.raises = 0, returns, raises

    def __call__(self):
        self.calls += 1
        if self.raises is not None:
            raise self.raises
        return self.returns


def test_a_get_never_runs_the_action_even_with_a_valid_bound_form():
    request = make_request("get")
    form = LotForm(request.GET)
    action = Action()
    assert save_form(request, form, action, "Đã lưu.") is None
    assert action.calls == 0
    assert messages_of(request) == []


def test_an_invalid_form_does_not_run_the_action_and_keeps_its_errors():
    request = make_request(data={"name": "Cà phê", "quantity": "ba"})
    form = LotForm(request.POST)
    action = Action()
    assert not save_form(request, form, action, "Đã lưu.")
    assert action.calls == 0
    assert list(form.errors) == ["quantity"]
    assert messages_of(request) == []


def test_an_unbound_form_on_an_empty_post_does_not_run_the_action():
    request = make_request(data={})
    form = LotForm(request.POST or None)
    action = Action()
    assert save_form(request, form, action) is None
    assert action.calls == 0


def test_a_field_error_from_the_action_lands_on_that_field():
    request = make_request()
    form = LotForm(request.POST)
    action = Action(raises=ValidationError({"quantity": "Vượt tồn kho."}))
    assert save_form(request, form, action, "Đã lưu.") is None
    assert action.calls == 1
    assert form.errors == {"quantity": ["Vượt tồn kho."]}
    assert messages_of(request) == []


def test_a_plain_error_from_the_action_lands_on_the_non_field_errors():
    request = make_request()
    form = LotForm(request.POST)
    action = Action(raises=ValidationError("Lô đã bị thu hồi."))
    assert save_form(request, form, action, "Đã lưu.") is None
    assert form.non_field_errors() == ["Lô đã bị thu hồi."]
    assert form.errors.keys() == {"__all__"}
    assert messages_of(request) == []


def test_an_error_naming_a_field_the_form_lacks_goes_to_the_non_field_errors():
    request = make_request()
    form = LotForm(request.POST)
    action = Action(raises=ValidationError({"business": "Cơ sở đã bị khóa."}))
    assert save_form(request, form, action) is None
    assert form.non_field_errors() == ["Cơ sở đã bị khóa."]


def test_other_exceptions_are_not_swallowed():
    request = make_request()
    form = LotForm(request.POST)
    with pytest.raises(PermissionDenied):
        save_form(request, form, Action(raises=PermissionDenied()), "Đã lưu.")
    assert messages_of(request) == []


def test_success_adds_the_message_and_is_truthy_when_the_action_returns_none():
    request = make_request()
    form = LotForm(request.POST)
    action = Action(returns=None)
    saved = save_form(request, form, action, "Đã lưu lô.")
    assert saved
    assert saved == Saved(None)
    assert action.calls == 1
    assert messages_of(request) == [("success", "Đã lưu lô.")]


def test_success_hands_back_the_actions_result():
    request = make_request()
    form = LotForm(request.POST)
    result = object()
    saved = save_form(request, form, Action(returns=result))
    assert saved.result is result


def test_success_without_a_message_adds_none():
    request = make_request()
    form = LotForm(request.POST)
    assert save_form(request, form, Action(returns=0))
    assert messages_of(request) == []
