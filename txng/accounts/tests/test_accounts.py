import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from txng.accounts import actions
from txng.accounts.models import Organisation, OrgKind, User
from txng.accounts.tests.factories import PASSWORD, UserFactory, valid_tax_code
from txng.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_second_business_with_same_tax_code_is_refused_with_clear_message(business):
    clone = Organisation(
        kind=OrgKind.BUSINESS, business_type="household", name="Khác", tax_code=business.tax_code
    )
    with pytest.raises(ValidationError) as err:
        clone.full_clean()
    assert "Đã có cơ sở khác dùng mã số thuế này." in err.value.message_dict["tax_code"]
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


@pytest.mark.parametrize("code", ["0100109107", "12345", "abcdefghij"])
def test_invalid_tax_codes_are_refused(code):
    org = Organisation(kind=OrgKind.BUSINESS, business_type="household", name="X", tax_code=code)
    with pytest.raises(ValidationError) as err:
        org.full_clean()
    assert "tax_code" in err.value.message_dict


def test_factory_tax_codes_pass_the_forms_own_check():
    # Tests that feed a factory business's tax code to a form depend on it; one sequence
    # number in eleven used to give a code with no valid check digit.
    codes = [valid_tax_code(n) for n in range(100, 1200)]
    assert len(set(codes)) == len(codes)
    for code in codes:
        Organisation(
            kind=OrgKind.BUSINESS, business_type="household", name="X", tax_code=code
        ).clean_fields(exclude=["email", "address", "phone"])


def test_user_role_must_fit_the_organisation(business):
    user = User(username="x", organisation=business, role="head")
    with pytest.raises(ValidationError):
        user.full_clean()


def test_login_works_with_the_right_password(client, biz_owner):
    response = client.post(
        reverse("accounts:login"), {"username": "biz_owner", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_locked_user_cannot_log_in_and_sees_why(client, dept_officer, biz_owner, business):
    actions.lock_business(business, actor=dept_officer, reason="Thông tin hạn dùng sai")
    response = client.post(
        reverse("accounts:login"), {"username": "biz_owner", "password": PASSWORD}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "đang bị khóa" in html and "Thông tin hạn dùng sai" in html


def test_locking_ends_existing_sessions(login, dept_officer, biz_owner, business):
    client = login(biz_owner)
    assert client.get(reverse("accounts:home")).status_code == 200
    actions.lock_business(business, actor=dept_officer, reason="Vi phạm")
    assert client.get(reverse("accounts:home")).status_code == 302


def test_unlock_restores_login(client, dept_officer, biz_owner, business):
    actions.lock_business(business, actor=dept_officer, reason="Vi phạm")
    actions.unlock_business(business, actor=dept_officer)
    response = client.post(
        reverse("accounts:login"), {"username": "biz_owner", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_revoke_is_kept_in_history_not_deleted(dost_admin, business, biz_owner):
    actions.revoke_business(business, actor=dost_admin, reason="Giải thể")
    business.refresh_from_db()
    assert business.status == "revoked"
    assert User.objects.filter(pk=biz_owner.pk).exists()
    entry = AuditEntry.objects.get(action="accounts.revoke")
    assert entry.reason == "Giải thể" and entry.changes == {"status": ["active", "revoked"]}
    with pytest.raises(ValidationError):
        actions.unlock_business(business, actor=dost_admin)


def test_lock_needs_a_reason(dost_admin, business):
    with pytest.raises(ValidationError):
        actions.lock_business(business, actor=dost_admin, reason="")
    business.refresh_from_db()
    assert business.status == "active"


def test_agency_that_does_not_manage_the_business_cannot_lock_it(other_commune_officer, business):
    with pytest.raises(PermissionDenied):
        actions.lock_business(business, actor=other_commune_officer, reason="x")


def test_department_sub_unit_acts_for_its_department(department, business):
    unit = Organisation.objects.create(kind="department", name="Chi cục", parent=department)
    officer = UserFactory(organisation=unit, role="officer")
    actions.lock_business(business, actor=officer, reason="Kiểm tra")
    assert Organisation.objects.get(pk=business.pk).status == "locked"


def test_login_is_throttled_after_repeated_failures(client, biz_owner, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": "biz_owner", "password": "sai"})
    response = client.post(
        reverse("accounts:login"), {"username": "biz_owner", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "quá nhiều lần" in response.content.decode()


def test_demo_password_is_refused_when_debug_is_off(client, business, settings):
    settings.DEBUG = False
    user = UserFactory(organisation=business, role="staff", username="demo")
    user.set_password(settings.DEMO_PASSWORD)
    user.save()
    response = client.post(
        reverse("accounts:login"), {"username": "demo", "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 200


def test_dost_creates_department_and_sub_unit(dost_admin, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        dept = actions.create_authority(
            kind="department",
            name="Sở Công Thương",
            username="sct",
            email="sct@example.vn",
            actor=dost_admin,
        )
        unit = actions.create_authority(
            kind="department",
            name="Phòng QLTM",
            parent=dept,
            username="sct-qltm",
            email="qltm@example.vn",
            actor=dost_admin,
        )
    assert unit.root == dept
    assert len(mail.outbox) == 2
    assert User.objects.get(username="sct").role == "head"


def test_only_dost_creates_authorities(dept_officer):
    with pytest.raises(PermissionDenied):
        actions.create_authority(
            kind="commune", name="Xã mới", username="xamoi", actor=dept_officer
        )


def test_owner_adds_and_removes_staff(biz_owner, business):
    member = actions.add_staff(
        business, username="nv1", full_name="Nhân viên 1", email="nv1@example.vn", actor=biz_owner
    )
    actions.remove_staff(member, actor=biz_owner, reason="Nghỉ việc")
    member.refresh_from_db()
    assert not member.is_active and member.removed_at is not None
    assert AuditEntry.objects.filter(action="accounts.remove_staff").count() == 1


def test_owner_cannot_add_staff_to_another_business(biz_owner, other_business):
    with pytest.raises(PermissionDenied):
        actions.add_staff(other_business, username="x", full_name="X", actor=biz_owner)


def test_staff_cannot_add_staff(business):
    staff = UserFactory(organisation=business, role="staff")
    with pytest.raises(PermissionDenied):
        actions.add_staff(business, username="x", full_name="X", actor=staff)


def test_activation_link_sets_password_once(client, dost_admin, dost, commune):
    from txng.accounts.activation import activation_path
    from txng.enrolment import actions as enrolment
    from txng.enrolment.tests.helpers import make_dossier

    business = enrolment.approve_dossier(make_dossier(dost, commune), actor=dost_admin)
    owner = business.users.get()
    path = activation_path(owner)
    form_page = client.get(path, follow=True)
    assert "Đặt mật khẩu" in form_page.content.decode()
    url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    response = client.post(url, {"new_password1": "Hạt-dẻ-2026!", "new_password2": "Hạt-dẻ-2026!"})
    assert response.status_code == 302
    assert client.login(username=owner.username, password="Hạt-dẻ-2026!")
    assert AuditEntry.objects.filter(action="accounts.activate", actor=owner).count() == 1
    client.logout()
    again = client.get(path, follow=True)
    assert "không hợp lệ" in again.content.decode()


def test_other_business_does_not_count_as_managed(dept_officer, business, other_business):
    managed = Organisation.objects.managed_by(dept_officer.organisation)
    assert list(managed) == [business]


def test_dost_adds_an_official_account_to_a_department(client, dost_admin, department):
    client.force_login(dost_admin)
    url = reverse("accounts:organisation", args=[department.pk])
    response = client.post(
        url, {"username": "snn-2", "full_name": "Cán bộ 2", "email": "snn2@example.vn"}
    )
    assert response.status_code == 302
    assert User.objects.get(username="snn-2").organisation == department
    assert User.objects.get(username="snn-2").role == "officer"


def test_agency_cannot_add_officials(client, dept_officer, department):
    client.force_login(dept_officer)
    url = reverse("accounts:organisation", args=[department.pk])
    client.post(url, {"username": "snn-3", "full_name": "X", "email": "x@example.vn"})
    assert not User.objects.filter(username="snn-3").exists()
