"""The recalls list (filters, counts) and a recall's holders as a spreadsheet."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from txng.audit.models import AuditEntry
from txng.tracing import actions
from txng.tracing.tests.conftest import make_product, ship_and_receive

pytestmark = pytest.mark.django_db

LIST = reverse("tracing:recalls")
REASONS = {"HD-01": "Nhiễm nấm mốc", "HD-02": "Sai nhãn", "HD-03": "Lẫn tạp"}


@pytest.fixture
def recalls(biz_owner, product, dept_officer):
    """Three recalls of one business's lots: one open, one completed, one lifted."""
    made = {}
    for code, reason in REASONS.items():
        lot = actions.create_lot(actor=biz_owner, product=product, code=code, quantity=10)
        made[code] = actions.recall_lots([lot], actor=dept_officer, reason=reason)
    actions.complete_recall(made["HD-02"], actor=dept_officer, result="Đã thu về 10 kg, tiêu hủy")
    actions.lift_recall(made["HD-03"], actor=dept_officer, reason="Kiểm nghiệm lại đạt")
    return made


def _listed(client, **params):
    """The lots (by code) whose recall the list shows."""
    page = client.get(LIST, params).content.decode()
    return {code for code, reason in REASONS.items() if reason in page}


def test_the_list_filters_by_state_and_by_words(client, recalls, dept_officer):
    client.force_login(dept_officer)
    assert _listed(client) == {"HD-01", "HD-02", "HD-03"}
    assert _listed(client, state="open") == {"HD-01"}
    assert _listed(client, state="completed") == {"HD-02"}
    assert _listed(client, state="lifted") == {"HD-03"}
    # Words match the reason, or a recalled lot's code, product or business.
    assert _listed(client, q="nhãn") == {"HD-02"}
    assert _listed(client, q="HD-03") == {"HD-03"}
    assert _listed(client, q="hạt dẻ", state="open") == {"HD-01"}
    assert "Không có đợt thu hồi nào khớp." in client.get(LIST, {"q": "zzz"}).content.decode()


def test_each_recall_counts_all_its_lots_and_holders(
    client, biz_owner, product, third_owner, dept_officer
):
    lot = actions.create_lot(actor=biz_owner, product=product, code="HD-09", quantity=10)
    ship_and_receive(lot, biz_owner, third_owner, 4)
    actions.recall_lots([lot], actor=dept_officer, reason="Nhiễm nấm mốc")
    # The business sees the recall through its own lot, and the counts still take in the lot
    # its customer received: two lots, two businesses.
    client.force_login(biz_owner)
    recall = client.get(LIST).context["page"][0]
    assert (recall.lot_count, recall.holder_count) == (2, 2)


def test_the_list_pages_by_25(client, biz_owner, product, dept_officer):
    lots = [
        actions.create_lot(actor=biz_owner, product=product, code=f"L{i:02}", quantity=1)
        for i in range(27)
    ]
    for lot in lots:
        actions.recall_lots([lot], actor=dept_officer, reason=f"Lý do {lot.code}")
    client.force_login(dept_officer)
    first = client.get(LIST).context["page"]
    assert len(first) == 25 and first.paginator.num_pages == 2
    second = client.get(LIST, {"page": 2}).content.decode()
    assert "Lý do L00" in second and "Lý do L26" not in second


def test_the_holders_spreadsheet_names_every_holder_with_contacts(
    client, biz_owner, business, product, third_owner, dept_officer
):
    business.phone = "0206 3851 234"
    business.save()
    lot = actions.create_lot(actor=biz_owner, product=product, code="HD-01", quantity=10)
    ship_and_receive(lot, biz_owner, third_owner, 4)
    actions.ship(lot, actor=biz_owner, quantity=2, receiver_name="Quán Bà Lan", invoice_no="77")
    recall = actions.recall_lots([lot], actor=dept_officer, reason="Nhiễm nấm mốc")
    client.force_login(dept_officer)
    response = client.get(reverse("tracing:recall_export", args=[recall.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Thu hồi", "Nơi giữ hàng", "Giao ra ngoài hệ thống"]
    summary = dict(book["Thu hồi"].iter_rows(min_row=2, values_only=True))
    assert summary["Lý do thu hồi"] == "Nhiễm nấm mốc"
    assert summary["Trạng thái"] == "Đang thu hồi"
    holders = list(book["Nơi giữ hàng"].iter_rows(min_row=2, values_only=True))
    assert sorted(row[0] for row in holders) == sorted(
        [business.name, third_owner.organisation.name]
    )
    ours = next(row for row in holders if row[0] == business.name)
    assert ours[3] == "0206 3851 234" and ours[7] == 4  # 10 made, 4 + 2 shipped
    outside = list(book["Giao ra ngoài hệ thống"].iter_rows(min_row=2, values_only=True))
    assert [(row[3], row[5], row[8]) for row in outside] == [("Quán Bà Lan", 2, "77")]
    entry = AuditEntry.objects.get(action="tracing.recall_export")
    assert entry.actor == dept_officer and entry.object_id == str(recall.pk)


def test_a_business_gets_only_its_own_customers_off_the_platform_an_authority_all(
    client, biz_owner, product, third_owner, dept_officer
):
    ours = actions.create_lot(actor=biz_owner, product=product, code="HD-01", quantity=10)
    cakes = make_product(third_owner.organisation, "Bánh hạt dẻ")
    theirs = actions.create_lot(actor=third_owner, product=cakes, code="BN-1", quantity=9)
    actions.ship(ours, actor=biz_owner, quantity=1, receiver_name="Quán Bà Lan")
    actions.ship(theirs, actor=third_owner, quantity=1, receiver_name="Chợ Tà Lùng")
    recall = actions.recall_lots([ours, theirs], actor=dept_officer, reason="Nhiễm nấm mốc")
    client.force_login(biz_owner)
    page = client.get(reverse("tracing:recall", args=[recall.pk])).content.decode()
    assert "Quán Bà Lan" in page and "Chợ Tà Lùng" not in page
    book = load_workbook(
        io.BytesIO(client.get(reverse("tracing:recall_export", args=[recall.pk])).content)
    )
    outside = book["Giao ra ngoài hệ thống"].iter_rows(min_row=2, values_only=True)
    assert [row[3] for row in outside] == ["Quán Bà Lan"]
    # The authority following the recall gets every holder's buyers.
    client.force_login(dept_officer)
    page = client.get(reverse("tracing:recall", args=[recall.pk])).content.decode()
    assert "Quán Bà Lan" in page and "Chợ Tà Lùng" in page


def test_outsiders_cannot_export_a_recall(client, biz_owner, product, other_biz, dept_officer):
    lot = actions.create_lot(actor=biz_owner, product=product, code="HD-01", quantity=10)
    recall = actions.recall_lots([lot], actor=dept_officer, reason="Nhiễm nấm mốc")
    url = reverse("tracing:recall_export", args=[recall.pk])
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(other_biz)
    assert client.get(url).status_code == 404
    assert not AuditEntry.objects.filter(action="tracing.recall_export").exists()


def test_typed_text_that_looks_like_a_formula_stays_text(client, biz_owner, product, dept_officer):
    lot = actions.create_lot(actor=biz_owner, product=product, code="HD-01", quantity=10)
    actions.ship(lot, actor=biz_owner, quantity=1, receiver_name='=HYPERLINK("http://x","y")')
    recall = actions.recall_lots([lot], actor=dept_officer, reason="=1+1")
    client.force_login(dept_officer)
    book = load_workbook(
        io.BytesIO(client.get(reverse("tracing:recall_export", args=[recall.pk])).content)
    )
    reason = book["Thu hồi"]["B4"]
    receiver = book["Giao ra ngoài hệ thống"]["D2"]
    assert (reason.value, reason.data_type) == ("=1+1", "s")
    assert (receiver.value, receiver.data_type) == ('=HYPERLINK("http://x","y")', "s")


def test_contacts_and_buyers_go_only_to_those_who_follow_them(
    client, biz_owner, business, product, third_owner, dept_officer, commune_officer
):
    third = third_owner.organisation
    third.phone, third.email = "0909 000 333", "shop@example.vn"
    third.save()
    ours = actions.create_lot(actor=biz_owner, product=product, code="HD-01", quantity=10)
    cakes = make_product(third, "Bánh hạt dẻ")
    theirs = actions.create_lot(actor=third_owner, product=cakes, code="BN-1", quantity=9)
    actions.ship(ours, actor=biz_owner, quantity=1, receiver_name="Quán Bà Lan")
    actions.ship(theirs, actor=third_owner, quantity=1, receiver_name="Chợ Tà Lùng")
    recall = actions.recall_lots([ours, theirs], actor=dept_officer, reason="Nhiễm nấm mốc")
    url = reverse("tracing:recall", args=[recall.pk])
    # A business: no other holder's phone or email, on the page or in the file.
    client.force_login(biz_owner)
    assert "shop@example.vn" not in client.get(url).content.decode()
    book = load_workbook(
        io.BytesIO(client.get(reverse("tracing:recall_export", args=[recall.pk])).content)
    )
    holders = list(book["Nơi giữ hàng"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in holders] == [business.name]
    # The commune manages only the first business: its buyers, not the shop's.
    client.force_login(commune_officer)
    page = client.get(url).content.decode()
    assert "Quán Bà Lan" in page and "Chợ Tà Lùng" not in page
    # The department made the recall: every holder's contacts and buyers.
    client.force_login(dept_officer)
    page = client.get(url).content.decode()
    assert "shop@example.vn" in page and "Chợ Tà Lùng" in page
