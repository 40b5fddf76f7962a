"""Every text a user or a visitor types has a length limit, in the form and in the model.

10 MB once went into a dossier's product list, a product description, a board post and a lock
reason, and every page showing them weighed 10.5 MB."""

import contextlib
import importlib

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.urls import reverse

from txng.common import limits
from txng.enrolment.models import Dossier
from txng.enrolment.tests.helpers import form_data


def all_forms():
    for app in apps.get_app_configs():
        if app.name.startswith("txng."):
            for module in ("forms", "views", "public_views", "twofactor"):
                with contextlib.suppress(ModuleNotFoundError):
                    importlib.import_module(f"{app.name}.{module}")
    seen, todo = set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return sorted(
        (f for f in seen if f.__module__.startswith("txng.") and ".tests" not in f.__module__),
        key=lambda f: f"{f.__module__}.{f.__name__}",
    )


def test_every_text_field_of_every_form_has_a_max_length():
    found = all_forms()
    assert len(found) > 40  # the walk sees the project's forms
    unlimited = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in found
        for name, field in form.base_fields.items()
        if isinstance(field, forms.CharField) and field.max_length is None
    ]
    # Django's AuthenticationForm sets the username's limit in __init__ (the model's 150);
    # a password is only hashed, never stored, and the POST as a whole is capped.
    assert sorted(unlimited) == [
        "txng.accounts.forms.LoginForm.password",
        "txng.accounts.forms.LoginForm.username",
    ]


def test_every_editable_text_column_has_a_max_length():
    unlimited = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("txng.")
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and field.editable and field.max_length is None
    ]
    assert unlimited == []


BIG = "x" * (limits.DESCRIPTION + 1)


@pytest.mark.django_db
def test_ten_megabyte_post_is_refused_before_any_view_reads_it(client, dost, commune):
    data = form_data(dost, commune, products="x" * 10_000_000)
    response = client.post(reverse("enrolment:register"), data)
    assert response.status_code == 400
    assert "quá lớn" in response.content.decode()
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_dossier_products_over_the_limit_are_refused_naming_the_field(client, dost, commune):
    response = client.post(reverse("enrolment:register"), form_data(dost, commune, products=BIG))
    assert response.status_code == 200 and not Dossier.objects.exists()
    errors = response.context["form"].errors
    # The licence must be chosen again after any error, so it is named too; the text is refused.
    assert "products" in errors and set(errors) <= {"products", "licence"}
    assert "10000" in errors["products"][0].replace(".", "").replace(",", "")


@pytest.mark.django_db
def test_product_description_over_the_limit_is_refused(login, biz_owner):
    from txng.catalog.models import Product
    from txng.catalog.tests.helpers import draft, product_data

    product, _rev = draft(biz_owner)
    client = login(biz_owner)
    data = {k: v for k, v in product_data(description=BIG).items() if v is not None}
    response = client.post(reverse("catalog:product_edit", args=[product.pk]), data)
    assert response.status_code == 200
    assert "description" in response.context["form"].errors
    assert Product.objects.get(pk=product.pk).description != BIG


@pytest.mark.django_db
def test_lock_reason_over_the_limit_is_refused_and_nothing_locked(login, dept_officer, business):
    client = login(dept_officer)
    response = client.post(
        reverse("accounts:change_status", args=[business.pk, "lock"]),
        {"reason": "x" * (limits.REASON + 1)},
        follow=True,
    )
    assert "Lý do: tối đa 2000 ký tự" in response.content.decode()
    business.refresh_from_db()
    assert business.status == "active"
