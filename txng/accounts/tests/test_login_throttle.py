"""Login throttling counts per (normalised username, address) and per address."""

import pytest
from django.urls import reverse

from txng.accounts.forms import normalise_username
from txng.accounts.models import LoginFailure
from txng.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _post(client, username, password, ip):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def test_failures_from_elsewhere_do_not_lock_the_official_out(client, commune_officer, settings):
    settings.LOGIN_MAX_FAILURES = 5
    for _ in range(10):
        _post(client, commune_officer.username, "sai", "203.0.113.9")
    response = _post(client, commune_officer.username, PASSWORD, "198.51.100.7")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")


def test_the_attackers_address_is_throttled_for_that_name(client, commune_officer, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        _post(client, commune_officer.username, "sai", "203.0.113.9")
    response = _post(client, commune_officer.username, PASSWORD, "203.0.113.9")
    assert response.status_code == 200
    assert "quá nhiều lần" in response.content.decode()


@pytest.mark.parametrize(
    "variant", ["COMMUNE_X", "  commune_x ", "ｃｏｍｍｕｎｅ＿ｘ", "Commune_X"]
)
def test_case_spaces_and_full_width_forms_count_as_one_name(client, variant, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for name in ["commune_x", "COMMUNE_X", variant]:
        _post(client, name, "sai", "203.0.113.9")
    assert set(LoginFailure.objects.values_list("username", flat=True)) == {"commune_x"}
    response = _post(client, "commune_x", "sai", "203.0.113.9")
    assert "quá nhiều lần" in response.content.decode()


def test_normalised_name_is_nfkc_casefolded_and_stripped():
    assert normalise_username(" ＣＯＭＭＵＮＥ ") == "commune"
    assert normalise_username("Straße") == "strasse"


def test_one_address_trying_many_names_is_throttled(client, biz_owner, settings):
    settings.LOGIN_MAX_FAILURES = 5
    settings.LOGIN_MAX_FAILURES_PER_IP = 4
    for n in range(4):
        _post(client, f"0100109{n:03d}", "sai", "203.0.113.9")
    blocked = _post(client, biz_owner.username, PASSWORD, "203.0.113.9")
    assert "quá nhiều lần" in blocked.content.decode()
    assert _post(client, biz_owner.username, PASSWORD, "198.51.100.7").status_code == 302


def test_failures_are_kept_in_the_database_so_every_worker_sees_them(client, settings):
    settings.LOGIN_MAX_FAILURES = 2
    _post(client, "ai_do", "sai", "203.0.113.9")
    _post(client, "ai_do", "sai", "203.0.113.9")
    # The cache is per process; the count must survive its loss.
    from django.core.cache import cache

    cache.clear()
    assert "quá nhiều lần" in _post(client, "ai_do", "sai", "203.0.113.9").content.decode()
