import pytest
from django.urls import reverse

from txng.feedback.models import Case, CaseKind, CaseState
from txng.stamps.models import FakeReport
from txng.stamps.tests.factories import OrderFactory, make_stamps

pytestmark = pytest.mark.django_db


def form(human, **extra):
    return (
        {
            "kind": "complaint",
            "description": "Sản phẩm có mùi lạ",
            "where": "Chợ Trùng Khánh",
            "reporter_email": "a@example.vn",
        }
        | human
        | extra
    )


def test_anyone_files_from_a_product_and_follows_it_by_code(client, product, commune, dost, human):
    response = client.post(reverse("feedback:file") + f"?product={product.pk}", form(human))
    case = Case.objects.get()
    assert response["Location"] == reverse("feedback:track", args=[case.code])
    assert case.product == product and case.agency == commune
    page = client.get(response["Location"]).content.decode()
    assert case.code in page and "Đã tiếp nhận" in page
    assert "a@example.vn" not in page


def test_tracking_page_shows_outcome_but_not_internal_steps(
    client, product, dost, commune_officer, human
):
    from txng.feedback import actions

    client.post(reverse("feedback:file") + f"?product={product.pk}", form(human))
    case = Case.objects.get()
    actions.ask_business(case, actor=commune_officer, question="Giải trình bí mật")
    actions.resolve(case, actor=commune_officer, outcome="Cơ sở đã thu hồi và đổi hàng")
    page = client.get(reverse("feedback:track", args=[case.code])).content.decode()
    assert "Cơ sở đã thu hồi và đổi hàng" in page and "Đã giải quyết" in page
    assert "Giải trình bí mật" not in page


def test_unknown_tracking_code_is_404(client):
    assert client.get(reverse("feedback:track", args=["ZZZZZZZZZZ"])).status_code == 404


def test_honeypot_and_too_fast_posts_are_refused(client, product, dost, human):
    url = reverse("feedback:file") + f"?product={product.pk}"
    assert client.post(url, form(human, website="http://spam")).status_code == 200
    from txng.feedback.tests.conftest import signing, spam, time

    fast = {"started": signing.dumps(time.time(), salt=spam.SALT)}
    response = client.post(url, form(human) | fast)
    assert "quá nhanh" in response.content.decode()
    assert not Case.objects.exists()


def test_form_errors_name_the_field(client, dost, human):
    response = client.post(reverse("feedback:file"), form(human, description="<b></b>"))
    assert "Hãy mô tả điều bạn phản ánh" in response.content.decode()
    assert not Case.objects.exists()


def test_markup_is_stripped_from_what_the_public_sends(client, dost, human):
    client.post(reverse("feedback:file"), form(human, description="<script>x()</script>Mốc"))
    assert Case.objects.get().description == "Mốc"


def test_filing_is_rate_limited_per_visitor(client, dost, human):
    statuses = [client.post(reverse("feedback:file"), form(human)).status_code for _ in range(7)]
    assert statuses[-1] == 429 and Case.objects.count() == 5


def test_fake_stamp_report_becomes_a_case_for_dost(client, product, dost, human):
    order = OrderFactory(product=product)
    stamps = make_stamps(order)
    response = client.post(
        reverse("stamps:report", args=[stamps[0].code]),
        {"what": "Tem in mờ", "where_bought": "Chợ đêm", "contact": "b@example.vn"},
    )
    case = Case.objects.get()
    assert response["Location"] == reverse("feedback:track", args=[case.code])
    assert case.kind == CaseKind.FAKE_STAMP and case.agency == dost
    assert case.fake_report == FakeReport.objects.get() and case.product == product
    assert case.reporter_email == "b@example.vn" and case.state == CaseState.RECEIVED


def test_business_does_not_see_a_fake_reports_contact(client, product, dost, biz_owner, login):
    order = OrderFactory(product=product)
    stamps = make_stamps(order)
    client.post(
        reverse("stamps:report", args=[stamps[0].code]),
        {"what": "Tem in mờ", "where_bought": "Chợ đêm", "contact": "0912999888"},
    )
    page = login(biz_owner).get(reverse("stamps:scans")).content.decode()
    assert "Tem in mờ" in page and "0912999888" not in page


def test_privacy_notice_says_the_business_does_not_see_the_reporter(client):
    page = client.get(reverse("public:privacy")).content.decode()
    assert "cơ sở bị phản ánh không được xem, trừ khi bạn đánh dấu đồng ý" in page
    assert (
        'href="/du-lieu-ca-nhan/#phan-anh"' in client.get(reverse("feedback:file")).content.decode()
    )
