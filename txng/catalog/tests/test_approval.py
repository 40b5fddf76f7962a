import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from txng.accounts.models import Notification
from txng.audit.models import AuditEntry
from txng.catalog import actions
from txng.catalog.models import Product, PublicState, Revision, RevisionState
from txng.catalog.tests.helpers import draft, product_data, published

pytestmark = pytest.mark.django_db


def test_draft_is_not_public_until_approved(client, biz_owner, dept_officer):
    product, rev = draft(biz_owner)
    assert client.get(product.get_absolute_url()).status_code == 404
    assert not Product.objects.published().exists()
    actions.submit_revision(rev, actor=biz_owner)
    assert client.get(product.get_absolute_url()).status_code == 404
    actions.approve_revision(rev, actor=dept_officer)
    page = client.get(product.get_absolute_url())
    assert page.status_code == 200
    assert "Hạt dẻ Trùng Khánh rang củi" in page.content.decode()


def test_pending_revision_leaves_published_version_public(client, biz_owner, dept_officer):
    product = published(biz_owner, dept_officer)
    rev = actions.save_product_draft(
        product, actor=biz_owner, data=product_data(net_content="400 g gói mới")
    )
    actions.submit_revision(rev, actor=biz_owner)
    html = client.get(product.get_absolute_url()).content.decode()
    assert "500 g" in html and "400 g gói mới" not in html
    actions.approve_revision(rev, actor=dept_officer)
    html = client.get(product.get_absolute_url()).content.decode()
    assert "400 g gói mới" in html


def test_every_approved_version_is_kept_and_comparable(login, biz_owner, dept_officer):
    product = published(biz_owner, dept_officer)
    rev = actions.save_product_draft(product, actor=biz_owner, data=product_data(brand="Mới"))
    actions.submit_revision(rev, actor=biz_owner)
    actions.approve_revision(rev, actor=dept_officer)
    assert list(product.revisions.values_list("number", "state")) == [
        (2, RevisionState.APPROVED),
        (1, RevisionState.APPROVED),
    ]
    page = login(dept_officer).get(reverse("catalog:revision", args=[rev.pk]) + "?against=1")
    html = page.content.decode()
    assert "So với phiên bản 1" in html
    assert "Hạt dẻ Trùng Khánh" in html and "Mới" in html


def test_rejection_keeps_reason_and_business_sees_it(login, biz_owner, dept_officer, business):
    product, rev = draft(biz_owner)
    actions.submit_revision(rev, actor=biz_owner)
    actions.reject_revision(rev, actor=dept_officer, reason="Thiếu phiếu kết quả thử nghiệm")
    assert Notification.objects.filter(
        organisation=business, message__contains="Thiếu phiếu kết quả thử nghiệm"
    ).exists()
    html = login(biz_owner).get(reverse("catalog:my_product", args=[product.pk])).content
    assert "Thiếu phiếu kết quả thử nghiệm" in html.decode()
    entry = AuditEntry.objects.get(action="catalog.reject")
    assert entry.reason == "Thiếu phiếu kết quả thử nghiệm"
    # The business fixes it and sends the same revision again.
    actions.save_product_draft(product, actor=biz_owner, data=product_data(standards="TCVN 1"))
    rev.refresh_from_db()
    actions.submit_revision(rev, actor=biz_owner)
    assert Revision.objects.get(pk=rev.pk).state == RevisionState.PENDING


def test_reject_requires_a_reason(biz_owner, dept_officer):
    _product, rev = draft(biz_owner)
    actions.submit_revision(rev, actor=biz_owner)
    with pytest.raises(ValidationError):
        actions.reject_revision(rev, actor=dept_officer, reason="  ")


@pytest.mark.parametrize("move", ["approve", "reject"])
def test_draft_cannot_be_approved_or_rejected_before_submission(biz_owner, dept_officer, move):
    _product, rev = draft(biz_owner)
    with pytest.raises(ValidationError, match="không thể thực hiện"):
        if move == "approve":
            actions.approve_revision(rev, actor=dept_officer)
        else:
            actions.reject_revision(rev, actor=dept_officer, reason="x")


def test_pending_revision_cannot_be_edited_or_resubmitted(biz_owner):
    product, rev = draft(biz_owner)
    actions.submit_revision(rev, actor=biz_owner)
    with pytest.raises(ValidationError):
        actions.submit_revision(rev, actor=biz_owner)
    with pytest.raises(ValidationError, match="chờ duyệt"):
        actions.save_product_draft(product, actor=biz_owner, data=product_data(name="Khác"))


def test_agency_approves_only_businesses_it_manages(biz_owner, other_commune_officer, dost_admin):
    _product, rev = draft(biz_owner)
    actions.submit_revision(rev, actor=biz_owner)
    with pytest.raises(PermissionDenied):
        actions.approve_revision(rev, actor=other_commune_officer)
    actions.approve_revision(rev, actor=dost_admin)  # DOST may approve anything


def test_other_agency_cannot_open_or_review_revision(login, biz_owner, other_commune_officer):
    _product, rev = draft(biz_owner)
    actions.submit_revision(rev, actor=biz_owner)
    client = login(other_commune_officer)
    assert client.get(reverse("catalog:revision", args=[rev.pk])).status_code == 404
    response = client.post(reverse("catalog:review", args=[rev.pk, "approve"]))
    assert response.status_code == 404
    rev.refresh_from_db()
    assert rev.state == RevisionState.PENDING


def test_business_never_sees_or_edits_another_businesss_product(login, biz_owner, other_biz):
    product, _rev = draft(biz_owner)
    client = login(other_biz)
    assert client.get(reverse("catalog:my_product", args=[product.pk])).status_code == 404
    response = client.post(
        reverse("catalog:product_edit", args=[product.pk]), {"name": "Bị sửa trộm"}
    )
    assert response.status_code == 404
    assert product not in Product.objects.visible_to(other_biz)
    with pytest.raises(PermissionDenied):
        actions.save_product_draft(product, actor=other_biz, data=product_data(name="x"))


def test_takedown_answers_410_without_reason_and_tells_business(
    client, biz_owner, dept_officer, business
):
    product = published(biz_owner, dept_officer)
    actions.take_down_product(product, actor=dept_officer, reason="Ghi sai hạn sử dụng")
    response = client.get(product.get_absolute_url())
    assert response.status_code == 410
    assert "Ghi sai hạn sử dụng" not in response.content.decode()
    assert "đã bị gỡ" in response.content.decode()
    assert not Product.objects.published().filter(pk=product.pk).exists()
    assert Notification.objects.filter(
        organisation=business, message__contains="Ghi sai hạn sử dụng"
    ).exists()
    assert AuditEntry.objects.filter(
        action="catalog.take_down", reason__contains="Ghi sai"
    ).exists()


def test_takedown_needs_reason_and_a_managing_agency(
    biz_owner, dept_officer, other_commune_officer
):
    product = published(biz_owner, dept_officer)
    with pytest.raises(ValidationError):
        actions.take_down_product(product, actor=dept_officer, reason="")
    with pytest.raises(PermissionDenied):
        actions.take_down_product(product, actor=other_commune_officer, reason="x")
    with pytest.raises(PermissionDenied):
        actions.take_down_product(product, actor=biz_owner, reason="x")


def test_taken_down_product_republished_after_new_approval(client, biz_owner, dept_officer):
    product = published(biz_owner, dept_officer)
    actions.take_down_product(product, actor=dept_officer, reason="Sai nhãn")
    rev = actions.save_product_draft(product, actor=biz_owner, data=product_data(brand="Đã sửa"))
    actions.submit_revision(rev, actor=biz_owner)
    actions.approve_revision(rev, actor=dept_officer)
    product.refresh_from_db()
    assert product.state == PublicState.PUBLISHED and product.withdrawn_reason == ""
    assert client.get(product.get_absolute_url()).status_code == 200


def test_queue_counts_per_state(login, biz_owner, dept_officer):
    for name in ("A", "B"):
        _p, rev = draft(biz_owner, name=name)
        actions.submit_revision(rev, actor=biz_owner)
    draft(biz_owner, name="C")
    html = login(dept_officer).get(reverse("catalog:queue")).content.decode()
    assert "Chờ duyệt (2)" in html and "Bản nháp (1)" in html


def test_profile_change_waits_for_approval(client, biz_owner, dept_officer, business):
    rev = actions.save_profile_draft(
        business, actor=biz_owner, data={"description": "Thành lập năm 2015"}
    )
    actions.submit_revision(rev, actor=biz_owner)
    url = business.get_absolute_url()
    assert "Thành lập năm 2015" not in client.get(url).content.decode()
    actions.approve_revision(rev, actor=dept_officer)
    assert "Thành lập năm 2015" in client.get(url).content.decode()


def test_profile_takedown_gives_410(client, business, dept_officer):
    actions.take_down_profile(business, actor=dept_officer, reason="Thông tin sai")
    assert client.get(business.get_absolute_url()).status_code == 410


@pytest.mark.parametrize(
    "name",
    ["products", "product_new", "queue", "profile", "documents", "facilities", "categories"],
)
def test_anonymous_visitor_is_sent_to_login(client, name):
    response = client.get(reverse(f"catalog:{name}"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["product_new", "profile", "documents", "facility_new"])
def test_officials_cannot_use_business_pages(login, dept_officer, name):
    assert login(dept_officer).get(reverse(f"catalog:{name}")).status_code == 403


@pytest.mark.parametrize("name", ["queue", "categories"])
def test_businesses_cannot_use_authority_pages(login, biz_owner, name):
    assert login(biz_owner).get(reverse(f"catalog:{name}")).status_code == 403


def test_draft_documents_are_not_public(client, biz_owner, other_biz, dept_officer):
    from txng.catalog.models import Document
    from txng.common.demo_files import pdf_upload

    product, rev = draft(biz_owner)
    doc = actions.add_document(
        product.business,
        actor=biz_owner,
        document=Document(kind="test_result", file=pdf_upload()),
        product=product,
    )
    url = reverse("catalog:document", args=[doc.pk])
    assert client.get(url).status_code == 404
    client.force_login(other_biz)
    assert client.get(url).status_code == 404
    client.logout()
    actions.submit_revision(rev, actor=biz_owner)
    actions.approve_revision(rev, actor=dept_officer)
    assert client.get(url).status_code == 200
