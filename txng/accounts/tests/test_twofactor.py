import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from txng.accounts import twofactor
from txng.accounts.tests.factories import PASSWORD
from txng.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _code(device, steps_ahead=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():06d}"


def _forgive(device):
    """Tests run faster than the throttle's back-off after a wrong code; clear it."""
    device.refresh_from_db()
    device.throttle_reset()


def _enable(client, user):
    client.force_login(user)
    client.get(reverse("accounts:security"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:security"), {"code": _code(device)})
    assert response.status_code == 302
    client.logout()
    return TOTPDevice.objects.get(user=user, confirmed=True)


def test_enabling_needs_a_right_code_and_is_audited(client, dept_officer):
    client.force_login(dept_officer)
    page = client.get(reverse("accounts:security")).content.decode()
    assert "<svg" in page
    client.post(reverse("accounts:security"), {"code": "000000"})
    assert twofactor.confirmed_device(dept_officer) is None
    _forgive(TOTPDevice.objects.get(user=dept_officer))
    _enable(client, dept_officer)
    assert AuditEntry.objects.filter(action="accounts.enable_2fa", actor=dept_officer).exists()


def test_login_asks_for_the_code_after_the_password(client, dept_officer):
    device = _enable(client, dept_officer)
    response = client.post(
        reverse("accounts:login"), {"username": dept_officer.username, "password": PASSWORD}
    )
    assert response["Location"] == reverse("accounts:login_code")
    assert client.get(reverse("accounts:home")).status_code == 302  # not logged in yet
    wrong = client.post(reverse("accounts:login_code"), {"code": "123456"})
    assert "Mã xác thực không đúng" in wrong.content.decode()
    # Straight after a wrong code the device is throttled, even for the right code...
    throttled = client.post(reverse("accounts:login_code"), {"code": _code(device, 1)})
    assert throttled.status_code == 200
    _forgive(device)
    # ...and the code used to enable the device cannot be replayed: use the next one.
    right = client.post(reverse("accounts:login_code"), {"code": _code(device, 1)})
    assert right.status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 200


def test_code_page_without_a_password_step_goes_back_to_login(client):
    assert client.get(reverse("accounts:login_code"))["Location"] == reverse("accounts:login")


def test_officials_can_be_required_to_set_up_2fa(client, dept_officer, settings):
    settings.OFFICIALS_REQUIRE_2FA = True
    client.force_login(dept_officer)
    response = client.get(reverse("enrolment:queue"))
    assert response["Location"] == reverse("accounts:security")


def test_requirement_does_not_touch_businesses(client, biz_owner, settings):
    settings.OFFICIALS_REQUIRE_2FA = True
    client.force_login(biz_owner)
    assert client.get(reverse("accounts:home")).status_code == 200


@pytest.mark.parametrize(
    "url_name",
    [
        "tracing:recalls",
        "tracing:requests",
        "tracing:lots",
        "tracing:retention",
        "audit:log",
        "enrolment:queue",
        "admin:index",
    ],
)
def test_required_2fa_covers_every_page_an_official_reaches(client, dost_admin, settings, url_name):
    settings.OFFICIALS_REQUIRE_2FA = True
    client.force_login(dost_admin)
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:security")


def test_required_2fa_covers_exports_and_posts(client, dept_officer, settings):
    settings.OFFICIALS_REQUIRE_2FA = True
    client.force_login(dept_officer)
    response = client.post(reverse("tracing:recall_many"), {})
    assert response["Location"] == reverse("accounts:security")
    assert client.get("/thu-hoi/1/danh-sach.xlsx")["Location"] == reverse("accounts:security")


def test_an_official_with_a_device_but_an_unverified_session_is_asked_for_the_code(
    client, dept_officer, settings
):
    device = _enable(client, dept_officer)
    settings.OFFICIALS_REQUIRE_2FA = True
    client.force_login(dept_officer)  # a session that never gave the code
    response = client.get(reverse("tracing:recalls"))
    assert response["Location"] == reverse("accounts:login_code")
    right = client.post(reverse("accounts:login_code"), {"code": _code(device, 1)})
    assert right["Location"] == reverse("tracing:recalls")
    assert client.get(reverse("tracing:recalls")).status_code == 200


def test_the_set_up_page_and_logout_stay_open(client, dept_officer, settings):
    settings.OFFICIALS_REQUIRE_2FA = True
    client.force_login(dept_officer)
    assert client.get(reverse("accounts:security")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_a_verified_official_works_everywhere(client, dept_officer, settings):
    device = _enable(client, dept_officer)
    settings.OFFICIALS_REQUIRE_2FA = True
    client.post(
        reverse("accounts:login"), {"username": dept_officer.username, "password": PASSWORD}
    )
    client.post(reverse("accounts:login_code"), {"code": _code(device, 1)})
    assert client.get(reverse("tracing:recalls")).status_code == 200


def test_2fa_is_on_by_default_in_production_and_off_in_the_demo():
    import os
    import subprocess
    import sys
    from pathlib import Path

    def read(**env):
        full = {k: v for k, v in os.environ.items() if k != "OFFICIALS_REQUIRE_2FA"}
        full.update(SECRET_KEY="x", **env)
        code = "import txng.settings as s; print(s.OFFICIALS_REQUIRE_2FA)"
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=Path(__file__).resolve().parents[3],
            env=full,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()

    assert read(DEBUG="0") == "True"
    assert read(DEBUG="1") == "False"
    assert read(DEBUG="0", OFFICIALS_REQUIRE_2FA="0") == "False"


def test_django_admin_login_goes_through_the_sites_login(client):
    response = client.get(reverse("admin:login") + "?next=/django-admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=/django-admin/" in response["Location"]
    evil = client.get(reverse("admin:login") + "?next=https://evil.example/")
    assert "evil.example" not in evil["Location"]


def test_django_admin_login_uses_the_sites_login_with_its_code_step(client, dost):
    from txng.accounts.tests.factories import UserFactory

    admin_user = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    # Django's own admin form (no throttle) is gone: a POST to it also lands on the site login.
    assert client.post(reverse("admin:login"), {"username": "quantri", "password": "sai"})[
        "Location"
    ].startswith(reverse("accounts:login"))
    device = _enable(client, admin_user)
    response = client.post(
        reverse("accounts:login") + "?next=/django-admin/",
        {"username": "quantri", "password": PASSWORD, "next": "/django-admin/"},
    )
    assert response["Location"] == reverse("accounts:login_code")
    done = client.post(reverse("accounts:login_code"), {"code": _code(device, 1)})
    assert done["Location"] == "/django-admin/"
    assert client.get("/django-admin/").status_code == 200


def test_django_admin_requires_2fa_for_staff(client, settings):
    from txng.accounts.tests.factories import UserFactory

    settings.OFFICIALS_REQUIRE_2FA = True
    admin_user = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    assert client.get("/django-admin/")["Location"] == reverse("accounts:security")


def test_django_admin_never_shows_another_users_totp_key(client, dept_officer):
    from txng.accounts.tests.factories import UserFactory

    device = _enable(client, dept_officer)
    admin_user = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    base = "/django-admin/otp_totp/totpdevice/"
    pages = [
        client.get(base).content.decode(),
        client.get(f"{base}{device.pk}/change/").content.decode(),
    ]
    for html in pages:
        assert device.key not in html
        assert "qrcode" not in html.lower()
    assert client.get(f"{base}{device.pk}/config/").status_code == 403
    assert client.get(f"{base}{device.pk}/qrcode/").status_code == 403
    assert client.get(f"{base}add/").status_code == 403
