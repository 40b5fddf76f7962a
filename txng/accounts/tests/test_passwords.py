"""Forgotten and changed passwords, resending activation links, safe `next=` redirects."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from txng.accounts import actions
from txng.accounts.activation import activation_path
from txng.accounts.tests.factories import PASSWORD, UserFactory
from txng.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_forgotten_password_mails_a_vietnamese_link_that_sets_a_new_one(client, biz_owner):
    assert "Quên mật khẩu" in client.get(reverse("accounts:login")).content.decode()
    response = client.post(reverse("accounts:password_reset"), {"email": biz_owner.email})
    assert response["Location"] == reverse("accounts:password_reset_done")
    (message,) = mail.outbox
    assert message.to == [biz_owner.email]
    assert "Đặt lại mật khẩu" in message.subject
    assert biz_owner.username in message.body
    link = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Đặt mật khẩu mới" in form_page.content.decode()
    new = "Cà-phê-Trùng-Khánh-2026"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert client.login(username=biz_owner.username, password=new)
    assert AuditEntry.objects.filter(action="accounts.password_reset", actor=biz_owner).exists()


def test_forgotten_password_tells_nobody_whether_an_address_has_an_account(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "ai@example.vn"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_a_used_reset_link_says_to_ask_for_a_new_one(client):
    page = client.get(reverse("accounts:password_reset_confirm", args=["MQ", "sai-token"]))
    html = page.content.decode()
    assert "hết hạn" in html and reverse("accounts:password_reset") in html


@pytest.mark.parametrize("persona", ["biz_owner", "dept_officer"])
def test_every_user_can_change_their_password(client, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert (
        reverse("accounts:password_change")
        in client.get(reverse("accounts:security")).content.decode()
    )
    new = "Miến-dong-Phja-Đén-2026"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == reverse("accounts:password_change_done")
    user.refresh_from_db()
    assert user.check_password(new)
    assert AuditEntry.objects.filter(action="accounts.password_change", actor=user).exists()


def test_password_change_needs_a_login(client):
    assert client.get(reverse("accounts:password_change"))["Location"].startswith(
        reverse("accounts:login")
    )


def _new_owner(business):
    user = UserFactory(organisation=business, role="staff", username="moi", email="sai@exmple.vn")
    user.set_unusable_password()
    user.save()
    return user


def test_official_sees_resend_and_corrects_the_email(client, dept_officer, business):
    newcomer = _new_owner(business)
    client.force_login(dept_officer)
    page = client.get(reverse("accounts:organisation", args=[business.pk])).content.decode()
    assert reverse("accounts:resend_activation", args=[newcomer.pk]) in page
    assert "Gửi lại liên kết kích hoạt" in page
    response = client.post(
        reverse("accounts:resend_activation", args=[newcomer.pk]),
        {"email": "dung@example.vn", "next": reverse("accounts:organisation", args=[business.pk])},
    )
    assert response["Location"] == reverse("accounts:organisation", args=[business.pk])
    newcomer.refresh_from_db()
    assert newcomer.email == "dung@example.vn"
    entry = AuditEntry.objects.get(action="accounts.resend_activation")
    assert entry.changes["email"] == ["sai@exmple.vn", "dung@example.vn"]


def test_resend_goes_to_the_corrected_address(
    dept_officer, business, django_capture_on_commit_callbacks
):
    newcomer = _new_owner(business)
    with django_capture_on_commit_callbacks(execute=True):
        actions.resend_activation(newcomer, actor=dept_officer, email="dung@example.vn")
    assert mail.outbox[-1].to == ["dung@example.vn"]


def test_resend_refuses_an_account_already_activated(dept_officer, biz_owner):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.resend_activation(biz_owner, actor=dept_officer)


def test_resend_never_redirects_to_another_site(client, dept_officer, business):
    newcomer = _new_owner(business)
    client.force_login(dept_officer)
    for evil in ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]:
        response = client.post(
            reverse("accounts:resend_activation", args=[newcomer.pk]), {"next": evil}
        )
        assert response["Location"] == reverse("accounts:home"), evil


def test_an_expired_activation_link_names_who_sends_a_new_one(client, business, commune):
    commune.phone = "0206 3852 123"
    commune.save()
    business.managers.add(commune)
    owner = UserFactory(organisation=business, role="owner", username="chu_moi")
    owner.set_unusable_password()
    owner.save()
    path = activation_path(owner)
    broken = path.rstrip("/").rsplit("/", 1)[0] + "/sai-token/"
    html = client.get(broken).content.decode()
    assert "hết hạn" in html
    assert commune.name in html and "0206 3852 123" in html


def test_an_activation_link_of_an_active_account_points_to_login_and_reset(client, biz_owner):
    path = activation_path(biz_owner).rstrip("/").rsplit("/", 1)[0] + "/sai-token/"
    html = client.get(path).content.decode()
    assert reverse("accounts:password_reset") in html
