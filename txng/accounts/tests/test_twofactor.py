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
