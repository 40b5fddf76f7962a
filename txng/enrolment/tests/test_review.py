import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from txng.accounts.models import Notification, Organisation, User
from txng.audit.models import AuditEntry
from txng.enrolment import actions
from txng.enrolment.models import Dossier, DossierState
from txng.enrolment.tests.helpers import form_data, make_dossier

pytestmark = pytest.mark.django_db


def test_agency_approval_creates_business_owner_and_tells_dost(
    dept_officer, department, commune, dost
):
    dossier = make_dossier(department, commune)
    with_commit = actions.approve_dossier
    business = with_commit(dossier, actor=dept_officer, note="Đủ hồ sơ")
    dossier.refresh_from_db()
    assert dossier.state == DossierState.APPROVED
    assert business.tax_code == "0100109106"
    assert set(business.managers.all()) == {department, commune}
    owner = User.objects.get(organisation=business)
    assert owner.role == "owner" and owner.username == "0100109106"
    assert not owner.has_usable_password()
    assert Notification.objects.filter(organisation=dost, message__contains=business.name).exists()


def test_dost_approval_notifies_the_managing_agency(dost_admin, dost, commune):
    dossier = make_dossier(dost, commune)
    actions.approve_dossier(dossier, actor=dost_admin)
    assert Notification.objects.filter(organisation=commune, message__contains="đã duyệt").exists()


def test_approval_mails_an_activation_link(
    dost_admin, dost, commune, django_capture_on_commit_callbacks
):
    dossier = make_dossier(dost, commune)
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_dossier(dossier, actor=dost_admin)
    assert len(mail.outbox) == 1
    assert "/accounts/activate/" in mail.outbox[0].body
    assert mail.outbox[0].to == ["htx@example.vn"]


def test_rejected_dossier_keeps_reason_and_applicant_sees_it(client, dost_admin, dost, commune):
    dossier = make_dossier(dost, commune)
    actions.reject_dossier(dossier, actor=dost_admin, reason="Sản phẩm ngoài phạm vi")
    page = client.get(reverse("enrolment:status", args=[dossier.tracking_code]))
    assert "Sản phẩm ngoài phạm vi" in page.content.decode()
    entry = AuditEntry.objects.get(action="enrolment.reject")
    assert entry.reason == "Sản phẩm ngoài phạm vi"
    assert entry.changes == {"state": ["submitted", "rejected"]}


@pytest.mark.parametrize("do", [actions.reject_dossier, actions.ask_supplement])
def test_reason_is_required(dost_admin, dost, commune, do):
    dossier = make_dossier(dost, commune)
    with pytest.raises(ValidationError):
        do(dossier, actor=dost_admin, reason="  ")
    assert Dossier.objects.get().state == DossierState.SUBMITTED


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("approve", "approve"),
        ("approve", "reject"),
        ("reject", "approve"),
        ("reject", "ask_supplement"),
        ("ask_supplement", "approve"),
    ],
)
def test_state_machine_refuses_illegal_moves(dost_admin, dost, commune, first, then):
    steps = {
        "approve": lambda d: actions.approve_dossier(d, actor=dost_admin),
        "reject": lambda d: actions.reject_dossier(d, actor=dost_admin, reason="x"),
        "ask_supplement": lambda d: actions.ask_supplement(d, actor=dost_admin, reason="x"),
    }
    dossier = make_dossier(dost, commune)
    steps[first](dossier)
    state = Dossier.objects.get().state
    with pytest.raises(ValidationError):
        steps[then](Dossier.objects.get())
    assert Dossier.objects.get().state == state


def test_resubmit_only_after_a_supplement_request(dost, commune):
    dossier = make_dossier(dost, commune)
    with pytest.raises(ValidationError):
        actions.resubmit_dossier(dossier, changes={"name": "Tên mới"})
    assert Dossier.objects.get().name == "HTX Miến dong"


def test_applicant_edits_same_dossier_via_tracking_link(client, dost_admin, dost, commune):
    dossier = make_dossier(dost, commune)
    actions.ask_supplement(dossier, actor=dost_admin, reason="Thiếu diện tích")
    url = reverse("enrolment:supplement", args=[dossier.tracking_code])
    data = form_data(dost, commune, production_area="3,5 ha", licence="")
    del data["addressed_to"]
    response = client.post(url, data)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RESUBMITTED
    assert dossier.production_area == "3,5 ha"
    assert Dossier.objects.count() == 1
    entry = AuditEntry.objects.get(action="enrolment.resubmit")
    assert entry.changes["production_area"] == ["", "3,5 ha"]


def test_supplement_page_closed_unless_asked(client, dost, commune):
    dossier = make_dossier(dost, commune)
    response = client.get(reverse("enrolment:supplement", args=[dossier.tracking_code]))
    assert response.status_code == 302


def test_agency_cannot_review_dossier_addressed_elsewhere(dept_officer, dost, other_commune):
    dossier = make_dossier(dost, other_commune)
    with pytest.raises(PermissionDenied):
        actions.approve_dossier(dossier, actor=dept_officer)
    assert Organisation.objects.businesses().count() == 0


def test_business_user_cannot_review(biz_owner, department, commune):
    dossier = make_dossier(department, commune)
    with pytest.raises(PermissionDenied):
        actions.approve_dossier(dossier, actor=biz_owner)


def test_queue_shows_only_dossiers_of_the_officials_organisation(
    login, dept_officer, department, dost, other_commune, commune
):
    mine = make_dossier(department, other_commune, name="Gửi Sở NN")
    make_dossier(dost, other_commune, name="Gửi Sở KHCN", tax_code="0100112437")
    page = login(dept_officer).get(reverse("enrolment:queue")).content.decode()
    assert "Gửi Sở NN" in page and "Gửi Sở KHCN" not in page
    assert login(dept_officer).get(reverse("enrolment:detail", args=[mine.pk])).status_code == 200


def test_commune_sees_dossiers_of_its_applicants(login, commune_officer, dost, commune):
    dossier = make_dossier(dost, commune)
    client = login(commune_officer)
    assert client.get(reverse("enrolment:detail", args=[dossier.pk])).status_code == 200
    # ...but may not decide on a dossier addressed to DOST.
    client.post(reverse("enrolment:review", args=[dossier.pk, "approve"]))
    assert Dossier.objects.get().state == DossierState.SUBMITTED


def test_queue_filters_by_state(login, dost_admin, dost, commune):
    a = make_dossier(dost, commune, name="Chờ duyệt A")
    make_dossier(dost, commune, name="Bị từ chối B", tax_code="0100112437")
    actions.reject_dossier(Dossier.objects.get(name="Bị từ chối B"), actor=dost_admin, reason="x")
    page = login(dost_admin).get(reverse("enrolment:queue") + "?state=submitted")
    html = page.content.decode()
    assert a.name in html and "Bị từ chối B" not in html


def test_review_by_post_with_reason(login, dost_admin, dost, commune):
    dossier = make_dossier(dost, commune)
    response = login(dost_admin).post(
        reverse("enrolment:review", args=[dossier.pk, "supplement"]), {"reason": "Thiếu ảnh"}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == DossierState.NEEDS_SUPPLEMENT
    assert dossier.reviewer_message == "Thiếu ảnh"


def test_a_dossier_from_before_the_notice_is_asked_for_consent_on_resubmission(
    client, dost_admin, dost, commune
):
    dossier = make_dossier(dost, commune)
    Dossier.objects.filter(pk=dossier.pk).update(privacy_consent=False)
    actions.ask_supplement(Dossier.objects.get(), actor=dost_admin, reason="Thiếu diện tích")
    url = reverse("enrolment:supplement", args=[dossier.tracking_code])
    data = form_data(dost, commune, production_area="3,5 ha", licence="")
    del data["addressed_to"], data["privacy_consent"]
    page = client.post(url, data).content.decode()
    assert "Cần đồng ý xử lý dữ liệu cá nhân" in page
    assert Dossier.objects.get().state == DossierState.NEEDS_SUPPLEMENT
    assert client.post(url, {**data, "privacy_consent": "on"}).status_code == 302
    dossier.refresh_from_db()
    assert (dossier.state, dossier.privacy_consent) == (DossierState.RESUBMITTED, True)
    # Once given, consent is not asked again.
    assert 'name="privacy_consent"' not in client.get(url).content.decode()
