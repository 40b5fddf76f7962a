import io
import shutil
import subprocess
import zipfile

import pytest
import zxingcpp
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from PIL import Image

from txng.accounts.models import Notification
from txng.audit.models import AuditEntry
from txng.stamps import actions, codes
from txng.stamps.models import ApprovalDelegation, OrderState, PrintOrder, Stamp, StampState
from txng.stamps.tasks import run_generation
from txng.stamps.tests.factories import LotFactory, OrderFactory, ProductFactory, make_stamps

pytestmark = pytest.mark.django_db


def submit(biz_owner, product, **kw):
    kw.setdefault("quantity", 30)
    return actions.submit_order(PrintOrder(product=product, **kw), actor=biz_owner)


@pytest.fixture
def ready_order(biz_owner, dost_admin, product, lot):
    order = submit(biz_owner, product, lot=lot, quantity=30)
    actions.approve_order(order, actor=dost_admin)
    run_generation(order.pk, chunk=7)
    order.refresh_from_db()
    return order


def test_business_submits_and_dost_is_notified(biz_owner, dost_admin, product):
    order = submit(biz_owner, product)
    assert order.state == OrderState.SUBMITTED and order.business == biz_owner.organisation
    assert Notification.objects.filter(organisation=dost_admin.organisation).exists()
    assert AuditEntry.objects.filter(action="stamps.order_submit", object_id=str(order.pk)).exists()


def test_order_for_another_business_product_is_refused(biz_owner, other_business):
    foreign = ProductFactory(business=other_business)
    with pytest.raises(ValidationError) as err:
        submit(biz_owner, foreign)
    assert "product" in err.value.message_dict


def test_digital_link_needs_a_gtin(biz_owner, business):
    plain = ProductFactory(business=business, gtin="")
    with pytest.raises(ValidationError) as err:
        submit(biz_owner, plain, url_kind="digital_link")
    assert "url_kind" in err.value.message_dict


def test_quota_limits_orders_per_year(biz_owner, dost_admin, product):
    actions.set_quota(product.business, actor=dost_admin, yearly_limit=50)
    submit(biz_owner, product, quantity=40)
    with pytest.raises(ValidationError) as err:
        submit(biz_owner, product, quantity=11)
    assert "hạn mức" in err.value.message_dict["quantity"][0]


def test_only_dost_or_a_delegated_managing_agency_approves(
    biz_owner, dept_officer, other_commune_officer, product
):
    order = submit(biz_owner, product)
    with pytest.raises(PermissionDenied):
        actions.approve_order(order, actor=dept_officer)
    ApprovalDelegation.objects.create(agency=dept_officer.organisation)
    ApprovalDelegation.objects.create(agency=other_commune_officer.organisation)
    with pytest.raises(PermissionDenied):  # delegated, but does not manage this business
        actions.approve_order(order, actor=other_commune_officer)
    actions.approve_order(order, actor=dept_officer)
    assert order.state == OrderState.GENERATING


def test_rejection_needs_and_keeps_reason(biz_owner, dost_admin, product):
    order = submit(biz_owner, product)
    with pytest.raises(ValidationError):
        actions.reject_order(order, actor=dost_admin, reason=" ")
    actions.reject_order(order, actor=dost_admin, reason="Số lượng quá lớn")
    order.refresh_from_db()
    assert order.state == OrderState.REJECTED and order.reason == "Số lượng quá lớn"
    with pytest.raises(ValidationError):
        actions.approve_order(order, actor=dost_admin)


def test_generation_makes_every_serial_once_with_valid_codes(ready_order):
    rows = list(ready_order.stamps.values_list("serial", "code"))
    assert sorted(s for s, _ in rows) == list(range(1, 31))
    assert len({c for _, c in rows}) == 30 and all(codes.verify(c) for _, c in rows)
    assert ready_order.state == OrderState.READY and ready_order.pdf and ready_order.zip


def test_generation_run_twice_adds_nothing(ready_order):
    run_generation(ready_order.pk, chunk=7)
    assert ready_order.stamps.count() == 30


def test_download_is_audited_and_marks_stamps_printed(ready_order, biz_owner, login):
    response = login(biz_owner).get(reverse("stamps:download", args=[ready_order.pk, "csv"]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert body.count("/q/") == 30
    assert AuditEntry.objects.filter(action="stamps.download").count() == 1
    assert not ready_order.stamps.exclude(state=StampState.PRINTED).exists()


needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler missing")


@needs_poppler
def test_order_pdf_decodes_back_to_its_stamp_urls(ready_order, tmp_path):
    with zipfile.ZipFile(ready_order.zip.path) as zf:
        (tmp_path / "s.pdf").write_bytes(zf.read("stamps.pdf"))
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", tmp_path / "s.pdf", tmp_path / "p"],
        check=True,
    )
    page = Image.open(next(tmp_path.glob("p*.png")))
    found = {r.text for r in zxingcpp.read_barcodes(page, formats=zxingcpp.BarcodeFormat.QRCode)}
    expected = {
        f"https://truyxuatnguongoc.caobang.gov.vn/q/{c}"
        for c in ready_order.stamps.values_list("code", flat=True)
    }
    assert len(found) == 30 and found == expected


def test_digital_link_order_holds_gs1_uris(biz_owner, dost_admin, product, lot):
    order = submit(biz_owner, product, lot=lot, quantity=3, url_kind="digital_link")
    actions.approve_order(order, actor=dost_admin)
    run_generation(order.pk)
    order.refresh_from_db()
    csv_text = order.csv.open("rb").read().decode()
    code = order.stamps.get(serial=2).code
    assert f"/01/08934567890007/10/HD-2026-01/21/{code[:-1]}" in csv_text


# --- activation and voiding ---------------------------------------------------------------


@pytest.fixture
def printed(ready_order):
    ready_order.stamps.update(state=StampState.PRINTED)
    return ready_order


def test_activate_binds_printed_range_to_lot(printed, biz_owner, lot):
    assert actions.activate_range(printed, 3, 12, lot, actor=biz_owner) == 10
    states = dict(printed.stamps.values_list("serial", "state"))
    assert states[2] == states[13] == StampState.PRINTED
    assert all(states[s] == StampState.ACTIVATED for s in range(3, 13))
    assert Stamp.objects.filter(lot=lot).count() == 10


def test_activate_refuses_unprinted_stamps(ready_order, biz_owner, lot):
    with pytest.raises(ValidationError) as err:
        actions.activate_range(ready_order, 1, 5, lot, actor=biz_owner)
    assert "Đã tạo: 5" in err.value.message_dict["first"][0]


def test_activate_refuses_other_business_and_foreign_lot(printed, other_biz, biz_owner, lot):
    with pytest.raises(PermissionDenied):
        actions.activate_range(printed, 1, 5, lot, actor=other_biz)
    foreign_lot = LotFactory(product=ProductFactory(business=other_biz.organisation))
    with pytest.raises(ValidationError):
        actions.activate_range(printed, 1, 5, foreign_lot, actor=biz_owner)


def test_activate_refuses_already_activated_and_out_of_range(printed, biz_owner, lot):
    actions.activate_range(printed, 1, 5, lot, actor=biz_owner)
    with pytest.raises(ValidationError):
        actions.activate_range(printed, 5, 6, lot, actor=biz_owner)
    with pytest.raises(ValidationError):
        actions.activate_range(printed, 25, 31, lot, actor=biz_owner)


def test_void_refuses_activated_unless_dost(printed, biz_owner, dost_admin, lot):
    actions.activate_range(printed, 1, 5, lot, actor=biz_owner)
    with pytest.raises(ValidationError):
        actions.void_range(printed, 4, 8, actor=biz_owner, reason="Mất cuộn")
    assert actions.void_range(printed, 6, 8, actor=biz_owner, reason="Mất cuộn") == 3
    assert actions.void_range(printed, 1, 2, actor=dost_admin, reason="Thu hồi tem") == 2
    assert printed.stamps.get(serial=1).void_reason == "Thu hồi tem"
    with pytest.raises(ValidationError):
        actions.void_range(printed, 9, 9, actor=biz_owner, reason="")


def test_activate_page_accepts_two_scanned_stamp_urls(printed, biz_owner, lot, login):
    first, last = printed.stamps.get(serial=4), printed.stamps.get(serial=9)
    response = login(biz_owner).post(
        reverse("stamps:activate"),
        {
            "first": f"https://truyxuatnguongoc.caobang.gov.vn/q/{last.code}",
            "last": codes.format_for_humans(first.code).lower(),
            "lot": lot.pk,
        },
    )
    assert response.status_code == 302
    assert printed.stamps.filter(state=StampState.ACTIVATED).count() == 6


def test_activate_page_by_serials_needs_an_order(printed, biz_owner, lot, login):
    client = login(biz_owner)
    response = client.post(reverse("stamps:activate"), {"first": "1", "last": "3", "lot": lot.pk})
    assert response.status_code == 200 and "cần chọn" in response.content.decode()
    client.post(
        reverse("stamps:activate"), {"order": printed.pk, "first": "1", "last": "3", "lot": lot.pk}
    )
    assert printed.stamps.filter(state=StampState.ACTIVATED).count() == 3


def test_void_page_refuses_another_business_stamps(printed, other_biz, login):
    code = printed.stamps.get(serial=1).code
    response = login(other_biz).post(
        reverse("stamps:void"), {"first": code, "last": code, "reason": "x"}
    )
    assert response.status_code == 200
    assert not printed.stamps.filter(state=StampState.VOIDED).exists()


# --- pages and outsiders ------------------------------------------------------------------


def test_order_pages_refuse_anonymous_and_outsiders(
    ready_order, client, other_biz, other_commune_officer, login
):
    urls = [
        reverse("stamps:order", args=[ready_order.pk]),
        reverse("stamps:download", args=[ready_order.pk, "pdf"]),
        reverse("stamps:download", args=[ready_order.pk, "zip"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    for outsider in (other_biz, other_commune_officer):
        c = login(outsider)
        for url in urls:
            assert c.get(url).status_code == 404
    assert AuditEntry.objects.filter(action="stamps.download").count() == 0


def test_outsider_cannot_approve_through_the_page(biz_owner, other_biz, product, login):
    order = submit(biz_owner, product)
    response = login(other_biz).post(reverse("stamps:decide", args=[order.pk, "approve"]))
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.state == OrderState.SUBMITTED


def test_managing_agency_sees_but_cannot_approve(biz_owner, dept_officer, product, login):
    order = submit(biz_owner, product)
    client = login(dept_officer)
    assert client.get(reverse("stamps:order", args=[order.pk])).status_code == 200
    client.post(reverse("stamps:decide", args=[order.pk, "approve"]))
    order.refresh_from_db()
    assert order.state == OrderState.SUBMITTED


def test_order_form_page_creates_order(biz_owner, product, login):
    client = login(biz_owner)
    assert client.get(reverse("stamps:new_order")).status_code == 200
    response = client.post(
        reverse("stamps:new_order"),
        {
            "product": product.pk,
            "quantity": 100,
            "size_mm": 25,
            "layout": "a4",
            "show_name": "on",
            "show_code": "on",
            "url_kind": "short",
        },
    )
    assert response.status_code == 302
    assert PrintOrder.objects.get().quantity == 100


def test_dost_approves_through_the_page(biz_owner, dost_admin, product, login):
    order = submit(biz_owner, product, quantity=5)
    client = login(dost_admin)
    assert "Duyệt" in client.get(reverse("stamps:order", args=[order.pk])).content.decode()
    client.post(reverse("stamps:decide", args=[order.pk, "approve"]))
    order.refresh_from_db()
    assert order.state == OrderState.GENERATING


def test_lists_and_stats_refuse_anonymous_and_consumers(client, biz_owner, login, ready_order):
    for name in (
        "stamps:orders",
        "stamps:scans",
        "stamps:activate",
        "stamps:void",
        "stamps:new_order",
    ):
        assert client.get(reverse(name)).status_code == 302
    owner = login(biz_owner)
    assert f"#{ready_order.pk}" in owner.get(reverse("stamps:orders")).content.decode()


def test_other_business_list_does_not_show_order(ready_order, other_biz, login):
    page = login(other_biz).get(reverse("stamps:orders")).content.decode()
    assert f"#{ready_order.pk}" not in page


def test_make_stamps_helper_orders_serials(business):
    order = OrderFactory(product=ProductFactory(business=business), quantity=3)
    assert [s.serial for s in make_stamps(order)] == [1, 2, 3]


def test_zip_holds_pdf_and_csv(ready_order):
    with zipfile.ZipFile(io.BytesIO(ready_order.zip.open("rb").read())) as zf:
        assert set(zf.namelist()) == {"stamps.pdf", "stamps.csv"}


def test_dost_delegates_approval_on_its_page(dost_admin, dept_officer, biz_owner, product, login):
    url = reverse("stamps:delegations")
    assert login(dept_officer).get(url).status_code == 403
    client = login(dost_admin)
    assert "Sở Nông nghiệp" in client.get(url).content.decode()
    client.post(url, {"agency": dept_officer.organisation_id, "granted": "1"})
    order = submit(biz_owner, product)
    assert actions.can_approve(dept_officer, order)
    client.post(url, {"agency": dept_officer.organisation_id, "granted": "0"})
    assert not actions.can_approve(dept_officer, order)
    assert AuditEntry.objects.filter(action="stamps.delegate").count() == 2


def test_resuming_leaves_an_order_another_worker_is_making_and_queues_a_stalled_one_once(
    biz_owner, dost_admin, product
):
    """Several task workers each resume stalled orders when they start: an order whose task
    another live worker runs (RUNNING) is left to it, or its PDF would be drawn twice."""
    from django_tasks_db.models import DBTaskResult

    from txng.stamps.tasks import generate_order, resume_stalled

    order = submit(biz_owner, product, quantity=5)
    actions.approve_order(order, actor=dost_admin)
    DBTaskResult.objects.all().delete()
    generate_order.enqueue(order.pk)
    DBTaskResult.objects.update(status="RUNNING", worker_ids=["host-worker-1"])
    assert resume_stalled("host-worker-2") == []  # instance 1 is making it
    DBTaskResult.objects.update(status="FAILED")  # e.g. given up after a worker's crashes
    assert resume_stalled("host-worker-2") == [order.pk]
    assert resume_stalled("host-worker-1") == []  # queued now: not a second time
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_a_single_worker_restarted_without_an_id_resumes_the_order_it_left_running(
    biz_owner, dost_admin, product
):
    """One worker started without an id (make demo): its own task, left RUNNING when it was
    killed, is what it resumes."""
    from django_tasks_db.models import DBTaskResult

    from txng.stamps.tasks import generate_order, resume_stalled

    order = submit(biz_owner, product, quantity=5)
    actions.approve_order(order, actor=dost_admin)
    DBTaskResult.objects.all().delete()
    generate_order.enqueue(order.pk)
    DBTaskResult.objects.update(status="RUNNING", worker_ids=["some-host"])
    assert resume_stalled() == [order.pk]
