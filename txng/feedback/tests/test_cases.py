from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from txng.accounts.models import Notification, OrgStatus
from txng.catalog.models import PublicState
from txng.feedback import actions
from txng.feedback.dashboard import tiles
from txng.feedback.models import Case, CaseKind, CaseState, CaseStep
from txng.tracing.actions.authority import add_working_days
from txng.tracing.models import LotStatus, TracingRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def complaint(product, **extra):
    fields = {
        "kind": CaseKind.COMPLAINT,
        "description": "Hạt dẻ bị mốc",
        "product": product,
        "reporter_name": "Nguyễn Văn A",
        "reporter_email": "a@example.vn",
        "reporter_phone": "0912345678",
    }
    return actions.file_case(**(fields | extra))


def test_complaint_goes_to_the_commune_that_manages_the_business(product, commune, dost):
    case = complaint(product)
    assert case.agency == commune and case.business == product.business
    assert case.state == CaseState.RECEIVED
    assert Notification.objects.filter(organisation=commune).exists()


def test_case_without_business_or_about_a_stamp_goes_to_dost(product, dost):
    assert actions.file_case(kind=CaseKind.VIOLATION, description="x").agency == dost
    assert complaint(product, kind=CaseKind.FAKE_STAMP).agency == dost


def test_deadline_counts_working_days_of_the_kind_setting(product, dost, settings):
    settings.FEEDBACK_CASE_DEADLINE_DAYS = {"complaint": 3}
    case = complaint(product)
    assert case.deadline == add_working_days(timezone.localdate(), 3)
    assert case.deadline.weekday() < 5


def test_overdue_cases_are_flagged_in_queue_and_counted(product, dost, commune_officer, login):
    late, on_time = complaint(product), complaint(product)
    Case.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    assert list(Case.objects.overdue()) == [late]
    counts = {str(label): n for n, label, _url in tiles(commune_officer)}
    assert counts["phản ánh quá hạn"] == 1 and counts["phản ánh đang xử lý"] == 2
    page = login(commune_officer).get(reverse("feedback:cases") + "?state=overdue")
    assert late.code in page.content.decode() and on_time.code not in page.content.decode()
    assert 'class="overdue"' in page.content.decode()


def test_resolved_case_cannot_move_again_and_keeps_each_reason(product, dost, commune_officer):
    case = complaint(product)
    actions.start_handling(case, actor=commune_officer, note="Đã liên hệ cơ sở")
    actions.resolve(case, actor=commune_officer, outcome="Cơ sở đã đổi hàng")
    with pytest.raises(ValidationError):
        actions.dismiss(case, actor=commune_officer, reason="nhầm")
    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED and case.outcome == "Cơ sở đã đổi hàng"
    steps = [(e.step, e.note) for e in case.events.all()]
    assert steps == [
        (CaseStep.RECEIVED, ""),
        (CaseStep.HANDLING, "Đã liên hệ cơ sở"),
        (CaseStep.RESOLVED, "Cơ sở đã đổi hàng"),
    ]


def test_dismissal_needs_a_reason(product, dost, commune_officer):
    case = complaint(product)
    with pytest.raises(ValidationError):
        actions.dismiss(case, actor=commune_officer, reason=" ")
    assert Case.objects.get().state == CaseState.RECEIVED


def test_agency_handles_only_cases_of_businesses_it_manages(
    product, dost, commune_officer, other_commune_officer, login
):
    case = complaint(product)
    with pytest.raises(PermissionDenied):
        actions.resolve(case, actor=other_commune_officer, outcome="x")
    client = login(other_commune_officer)
    assert client.get(reverse("feedback:case", args=[case.pk])).status_code == 404
    assert (
        client.post(reverse("feedback:act", args=[case.pk, "resolve"]), {"reason": "x"}).status_code
        == 404
    )
    assert Case.objects.get().state == CaseState.RECEIVED


def test_dost_reassigns_only_to_an_agency_of_the_business(
    product, dost_admin, department, other_commune, dept_officer
):
    case = complaint(product)
    with pytest.raises(ValidationError):
        actions.reassign(case, actor=dost_admin, agency=other_commune, reason="x")
    actions.reassign(case, actor=dost_admin, agency=department, reason="Thuộc ngành nông nghiệp")
    assert Case.objects.visible_to(dept_officer).get() == case
    with pytest.raises(PermissionDenied):
        actions.reassign(case, actor=dept_officer, agency=department, reason="x")


def test_business_never_sees_reporters_contact_unless_agreed(
    product, dost, commune_officer, biz_owner, login
):
    case = complaint(product)
    client = login(biz_owner)
    # Not asked to explain yet: the business does not see the case at all.
    assert client.get(reverse("feedback:case", args=[case.pk])).status_code == 404
    actions.ask_business(case, actor=commune_officer, question="Đề nghị giải trình lô hàng")
    page = client.get(reverse("feedback:case", args=[case.pk])).content.decode()
    assert "Hạt dẻ bị mốc" in page and "Đề nghị giải trình" in page
    for private in ("Nguyễn Văn A", "a@example.vn", "0912345678"):
        assert private not in page
    officer_page = login(commune_officer).get(reverse("feedback:case", args=[case.pk]))
    assert "a@example.vn" in officer_page.content.decode()
    Case.objects.filter(pk=case.pk).update(contact_shared=True)
    assert (
        "a@example.vn"
        in login(biz_owner).get(reverse("feedback:case", args=[case.pk])).content.decode()
    )


def test_business_explains_in_its_workspace_and_agency_is_told(
    product, dost, commune, commune_officer, biz_owner, other_biz, login
):
    case = complaint(product)
    actions.ask_business(case, actor=commune_officer, question="Giải trình")
    with pytest.raises(PermissionDenied):
        actions.explain(case, actor=other_biz, explanation="x")
    Notification.objects.all().delete()
    response = login(biz_owner).post(
        reverse("feedback:act", args=[case.pk, "explain"]), {"reason": "Lô đã bảo quản đúng"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.explanation == "Lô đã bảo quản đúng" and case.state == CaseState.HANDLING
    assert Notification.objects.filter(organisation=commune).exists()


def test_tracing_request_from_a_case_is_the_tracing_action_linked_back(
    product, lot, dost, commune_officer
):
    case = complaint(product)
    request = actions.open_tracing_request(
        case, actor=commune_officer, reason="Truy xuất lô", lot=lot
    )
    assert TracingRequest.objects.get() == request and request.lot == lot
    case.refresh_from_db()
    assert case.tracing_request == request and case.state == CaseState.HANDLING
    step = case.events.get(step=CaseStep.TRACING_REQUEST)
    assert step.link == reverse("tracing:request", args=[request.pk])


def test_recall_from_a_case_recalls_the_lots(product, lot, dost, commune_officer):
    case = complaint(product)
    recall = actions.recall(case, actor=commune_officer, lots=[lot], reason="Nấm mốc")
    lot.refresh_from_db()
    assert lot.status == LotStatus.RECALLED
    assert Case.objects.get().recall == recall
    assert case.events.filter(step=CaseStep.RECALL).exists()


def test_take_down_from_a_case_withdraws_the_product(product, dost, commune_officer):
    case = complaint(product)
    actions.take_down(case, actor=commune_officer, reason="Thông tin sai sự thật")
    product.refresh_from_db()
    assert product.state == PublicState.WITHDRAWN
    assert product.withdrawn_reason == "Thông tin sai sự thật"
    assert case.events.filter(step=CaseStep.TAKE_DOWN).exists()


def test_account_lock_from_a_case_locks_the_business(product, dost, commune_officer, login):
    case = complaint(product)
    response = login(commune_officer).post(
        reverse("feedback:act", args=[case.pk, "lock"]), {"reason": "Vi phạm nhiều lần"}
    )
    assert response.status_code == 302
    product.business.refresh_from_db()
    assert product.business.status == OrgStatus.LOCKED
    assert case.events.filter(step=CaseStep.LOCK, note="Vi phạm nhiều lần").exists()


def test_failed_linked_action_leaves_the_case_untouched(
    product, lot, dost, other_commune_officer, dost_admin
):
    case = complaint(product)
    with pytest.raises(ValidationError):
        actions.recall(case, actor=dost_admin, lots=[lot], reason="")
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED and case.recall is None


def test_reporter_is_mailed_by_the_worker_with_a_plain_text_part(
    product, dost, commune_officer, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = complaint(product)
    to_reporter = [m for m in mail.outbox if m.to == ["a@example.vn"]]
    assert len(to_reporter) == 1
    message = to_reporter[0]
    assert case.code in message.body
    assert reverse("feedback:track", args=[case.code]) in message.body
    assert message.alternatives[0][1] == "text/html"
    with django_capture_on_commit_callbacks(execute=True):
        actions.resolve(case, actor=commune_officer, outcome="Đã xử lý")
    assert "Đã xử lý" in mail.outbox[-1].body


def test_reporter_mail_is_in_the_reporters_language(
    product, dost, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint(product, language="en")
    # The mail is rendered with the reporter's language active (English strings are filled in
    # the .po by the lead; the language itself is what this proves).
    assert 'lang="en"' in mail.outbox[0].alternatives[0][0]


def test_officials_own_finding_stays_with_their_agency_public_cannot_file_one(
    product, dost, department, dept_officer, human, client, login
):
    case = actions.file_case(
        kind=CaseKind.FINDING,
        description="Kiểm tra thấy nhãn sai",
        product=product,
        actor=dept_officer,
    )
    assert case.agency == department
    with pytest.raises(PermissionDenied):
        actions.file_case(kind=CaseKind.FINDING, description="x", product=product)
    data = {"kind": "finding", "description": "x"} | human
    response = client.post(reverse("feedback:file") + f"?product={product.pk}", data)
    assert response.status_code == 200 and Case.objects.count() == 1


def test_reporters_photo_is_served_only_to_the_officials_handling_the_case(
    product, dost, commune_officer, biz_owner, login
):
    from django.core.files.base import ContentFile

    case = complaint(product, photo=ContentFile(b"\x89PNG", name="a.png"))
    actions.ask_business(case, actor=commune_officer, question="Giải trình")
    url = reverse("feedback:case_photo", args=[case.pk])
    assert login(biz_owner).get(url).status_code == 404
    assert login(commune_officer).get(url).status_code == 200


def test_dost_reassigns_from_the_case_page(product, dost_admin, department, login):
    case = complaint(product)
    client = login(dost_admin)
    page = client.get(reverse("feedback:case", args=[case.pk])).content.decode()
    assert department.name in page
    response = client.post(
        reverse("feedback:act", args=[case.pk, "reassign"]),
        {"agency": department.pk, "reason": "Thuộc ngành"},
    )
    assert response.status_code == 302
    assert Case.objects.get().agency == department
