"""DOST sets how long lot records are kept: by default and per product category."""

from datetime import date

import pytest
from django.urls import reverse

from txng.audit.models import AuditEntry
from txng.catalog.models import Category
from txng.tracing.models import RetentionPolicy

pytestmark = pytest.mark.django_db

URL = reverse("tracing:retention")


@pytest.fixture
def fresh(lot):
    """A category for the lot's product, with dates that make the rules easy to read."""
    category = Category.objects.create(name="Nông sản tươi", slug="tuoi")
    lot.product.category = category
    lot.product.save()
    lot.production_date, lot.expiry_date = date(2020, 1, 10), date(2020, 2, 10)
    lot.save()
    return category


def _kept_until(client, lot):
    page = client.get(reverse("tracing:lot", args=[lot.pk])).content.decode()
    return page.split("Lưu hồ sơ đến</dt><dd>")[1].split("<")[0]


def test_dost_sets_a_category_apart_and_its_lots_follow(client, dost_admin, lot, fresh):
    client.force_login(dost_admin)
    default_until = _kept_until(client, lot)
    response = client.post(
        URL, {"category": fresh.pk, "months_after_expiry": 120, "minimum_months": 12}
    )
    assert response.status_code == 302
    policy = RetentionPolicy.objects.get(category=fresh)
    assert (policy.months_after_expiry, policy.minimum_months) == (120, 12)
    # Expiry 10/02/2020 + 120 months is later than the other marks (production date and the
    # lot's last event, today, each + 12 months).
    assert _kept_until(client, lot) == "10/02/2030" != default_until
    entry = AuditEntry.objects.get(action="tracing.retention")
    assert entry.changes["months_after_expiry"] == [None, 120]
    assert "Nông sản tươi" in client.get(URL).content.decode()


def test_dost_changes_the_default(client, dost_admin):
    client.force_login(dost_admin)
    client.post(URL, {"category": "", "months_after_expiry": 18, "minimum_months": 30})
    default = RetentionPolicy.for_category(None)
    assert (default.pk is not None, default.months_after_expiry, default.minimum_months) == (
        True,
        18,
        30,
    )
    client.post(URL, {"category": "", "months_after_expiry": 6, "minimum_months": 30})
    assert RetentionPolicy.objects.filter(category=None).count() == 1
    assert RetentionPolicy.for_category(None).months_after_expiry == 6


@pytest.mark.parametrize(
    ("field", "value"),
    [("minimum_months", "0"), ("months_after_expiry", "-1"), ("minimum_months", "9999")],
)
def test_bad_numbers_name_their_field_and_change_nothing(client, dost_admin, fresh, field, value):
    RetentionPolicy.objects.create(category=fresh, months_after_expiry=3, minimum_months=6)
    client.force_login(dost_admin)
    data = {"category": fresh.pk, "months_after_expiry": 12, "minimum_months": 24, field: value}
    response = client.post(URL, data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    policy = RetentionPolicy.objects.get(category=fresh)
    assert (policy.months_after_expiry, policy.minimum_months) == (3, 6)


def test_a_category_goes_back_to_the_default(client, dost_admin, lot, fresh):
    RetentionPolicy.objects.create(category=fresh, months_after_expiry=120, minimum_months=12)
    client.force_login(dost_admin)
    assert _kept_until(client, lot) == "10/02/2030"
    clear = reverse("tracing:retention_clear", args=[fresh.pk])
    client.post(clear)
    assert not RetentionPolicy.objects.filter(category=fresh).exists()
    assert _kept_until(client, lot) != "10/02/2030"
    page = client.post(clear, follow=True).content.decode()
    assert "đang theo thời hạn mặc định" in page


def test_only_dost_sets_retention(client, biz_owner, dept_officer, fresh):
    assert client.get(URL).status_code == 302  # to sign in
    for user in (biz_owner, dept_officer):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        data = {"category": fresh.pk, "months_after_expiry": 1, "minimum_months": 1}
        assert client.post(URL, data).status_code == 403
        RetentionPolicy.objects.create(category=fresh, months_after_expiry=9, minimum_months=9)
        clear = reverse("tracing:retention_clear", args=[fresh.pk])
        assert client.post(clear).status_code == 403
        assert RetentionPolicy.objects.get(category=fresh).minimum_months == 9
        RetentionPolicy.objects.filter(category=fresh).delete()
