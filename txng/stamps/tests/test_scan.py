import itertools
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path

from txng.accounts.models import Notification
from txng.catalog import facts
from txng.catalog.models import ProductImage
from txng.catalog.tests.helpers import facility
from txng.common.demo_files import png_upload
from txng.stamps import codes
from txng.stamps.models import (
    FakeReport,
    Scan,
    ScanResult,
    Signal,
    SignalKind,
    Stamp,
    StampState,
)
from txng.stamps.public_views import location_scan_id, location_token
from txng.stamps.scans import check_signals
from txng.stamps.tests.factories import OrderFactory, make_stamps
from txng.tracing import actions as tracing_actions
from txng.tracing.models import Lot
from txng.tracing.queries import public_timeline

pytestmark = pytest.mark.django_db


_visitors = itertools.count(1)


def scan(client, code, **extra):
    """A scan by a new visitor each time (another address), unless REMOTE_ADDR is given."""
    n = next(_visitors)
    extra.setdefault("REMOTE_ADDR", f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}")
    return client.get(reverse("stamps:scan", args=[code]), **extra)


def text(response):
    return response.content.decode()


def test_activated_stamp_shows_product_lot_and_scan_count(client, stamps):
    response = scan(client, stamps[0].code)
    page = text(response)
    assert response.status_code == 200
    assert "Hạt dẻ Trùng Khánh" in page and "HD-2026-01" in page
    assert "HTX Hạt dẻ Trùng Khánh" in page
    assert "TCCS 01:2024" in page and "4 sao" in page and "6 tháng" in page  # catalog facts
    assert "Tem chính hãng" in page
    assert "quét 1 lần" in page
    assert "quét 2 lần" in text(scan(client, stamps[0].code))
    stamps[0].refresh_from_db()
    assert stamps[0].scan_count == 2 and stamps[0].first_scanned_at is not None


def test_scan_page_is_small_cacheable_and_has_no_warning_when_fine(client, stamps):
    response = scan(client, stamps[0].code)
    assert len(response.content) < 100_000
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "csrftoken" not in response.cookies  # no per-visitor cookie for an anonymous scan
    assert 'role="alert"' not in text(response)


def test_scan_of_activated_stamp_on_recorded_chain_shows_all_ten_items(
    client, stamps, lot, biz_owner
):
    product = lot.product
    product.facility = facility(product.business, address="Xóm Nà Giàng, xã Trùng Khánh")
    product.save()
    ProductImage.objects.create(product=product, image="public/products/hat-de.jpg", approved=True)
    tracing_actions.add_diary_entry(lot, actor=biz_owner, stage_kind="harvest", notes="")
    response = scan(client, stamps[0].code)
    page = text(response)
    steps = public_timeline(lot)
    assert len(steps) == 2
    assert facts.count_items(product, lot, steps) == 10
    assert "Có đủ 10 thông tin cơ bản" in page and "còn thiếu" not in page
    for item in (
        "Hạt dẻ Trùng Khánh",  # 1 name
        "/media/public/products/hat-de.jpg",  # 2 image
        "Xóm Nà Giàng",  # 3 producer's address
        "TCCS 01:2024",  # 10 standards
        "6 tháng",  # 9 shelf life
        lot.production_date.strftime("%d/%m/%Y"),  # 6 production time
    ):
        assert item in page, item
    journey = page.split('data-testid="timeline"')[1].split("</ol>")[0]
    assert journey.count("<li") == 2
    for step in steps:  # 4-5: each stage's product trace code, location trace code and time
        assert step.trace_code == lot.trace_code and step.place_code
        assert step.place_code in journey
        assert timezone.localtime(step.time).strftime("%d/%m/%Y %H:%M") in journey
    assert journey.count(lot.trace_code) == 2  # 7 trace code, per stage (and in the facts)
    assert page.index("Tem chính hãng") < page.index('data-testid="timeline"')
    assert len(response.content) < 100_000


def test_voided_stamp_warns(client, stamps):
    page = text(scan(client, stamps[1].code))
    assert "Tem này đã bị hủy" in page and "Tem chính hãng" not in page


def test_not_activated_stamp_warns(client, stamps):
    page = text(scan(client, stamps[2].code))
    assert "Tem chưa được kích hoạt" in page and "HD-2026-01" not in page


def test_expired_lot_warns(client, stamps, lot):
    Lot.objects.filter(pk=lot.pk).update(expiry_date=timezone.localdate() - timedelta(days=1))
    page = text(scan(client, stamps[0].code))
    assert "đã hết hạn sử dụng" in page and "Tem chính hãng" not in page


def test_recalled_lot_warns_in_red_with_reason(client, stamps, lot, biz_owner):
    tracing_actions.recall_lots([lot], actor=biz_owner, reason="Nhiễm nấm mốc")
    page = text(scan(client, stamps[0].code))
    assert "Lô hàng này đã bị thu hồi" in page and "Nhiễm nấm mốc" in page
    assert "alert-danger" in page and "Tem chính hãng" not in page


def test_scan_page_shows_the_lots_timeline(client, stamps, lot, biz_owner):
    tracing_actions.add_diary_entry(
        lot, actor=biz_owner, stage_kind="drying", stage_name="Sấy bằng lò củi"
    )
    page = text(scan(client, stamps[0].code))
    assert "Hành trình sản phẩm" in page and "Sấy bằng lò củi" in page


def test_stamps_on_one_lot_share_a_cached_frame_filled_per_stamp(client, stamps, lot, settings):
    from django.core.cache import cache

    Stamp.objects.filter(pk=stamps[2].pk).update(state=StampState.ACTIVATED, lot=lot)
    scan(client, stamps[0].code)  # fills the frame cache for this lot
    cached = text(scan(client, stamps[2].code))
    token = re.search(r'data-token="([^"]+)"', cached).group(1)
    assert location_scan_id(token) == Scan.objects.get(code=stamps[2].code).pk
    cache.clear()
    Stamp.objects.filter(pk=stamps[2].pk).update(scan_count=0)  # scan it "first" again
    Scan.objects.filter(code=stamps[2].code).delete()
    fresh = text(scan(client, stamps[2].code))
    human = codes.format_for_humans(stamps[2].code)
    assert human in cached and codes.format_for_humans(stamps[0].code) not in cached
    assert "quét 1 lần" in cached and "sê-ri 3" in cached
    path = escape_uri_path(reverse("stamps:scan", args=[stamps[2].code]))
    assert f'value="{path}"' in cached  # the language form returns to this page
    # Apart from the location token (signed per scan), the cached page is the fresh one.
    strip = lambda p: re.sub(r'data-token="[^"]+"', "", p)  # noqa: E731
    assert strip(cached) == strip(fresh)
    assert "TXNGHOLE" not in cached


def test_recall_shows_on_the_next_scan_even_with_a_cached_frame(client, stamps, lot, biz_owner):
    assert "Tem chính hãng" in text(scan(client, stamps[0].code))
    tracing_actions.recall_lots([lot], actor=biz_owner, reason="Nhiễm nấm mốc")
    page = text(scan(client, stamps[0].code))
    assert "Lô hàng này đã bị thu hồi" in page and "Tem chính hãng" not in page


def test_signed_in_visitor_never_gets_or_leaves_the_shared_frame(client, stamps, biz_owner):
    client.force_login(biz_owner)
    signed_in = text(scan(client, stamps[0].code))
    assert "Đăng xuất" in signed_in
    client.logout()
    client.cookies.clear()
    anonymous = text(scan(client, stamps[0].code))
    assert "Đăng xuất" not in anonymous and "Đăng nhập" in anonymous
    client.force_login(biz_owner)
    assert "Đăng xuất" in text(scan(client, stamps[0].code))


def test_message_after_a_report_is_shown_once_and_not_cached(client, stamps, dost):
    scan(client, stamps[0].code)
    response = client.post(
        reverse("stamps:report", args=[stamps[0].code]),
        {"what": "Bao bì in mờ", "where_bought": "Chợ Trùng Khánh"},
        follow=True,
    )
    assert "Phản ánh đã được gửi" in text(response)
    assert "Phản ánh đã được gửi" not in text(scan(client, stamps[0].code))


def test_mistyped_code_offers_retype(client, stamps):
    code = stamps[0].code
    wrong = code[:3] + ("1" if code[3] != "1" else "2") + code[4:]
    response = scan(client, wrong)
    assert response.status_code == 404
    assert "Mã tem chưa đúng" in text(response) and 'name="code"' in text(response)
    retyped = client.get(reverse("stamps:retype"), {"code": codes.format_for_humans(code).lower()})
    assert retyped["Location"] == reverse("stamps:scan", args=[code])
    assert Scan.objects.filter(result=ScanResult.MISTYPED).count() == 1


def test_unknown_code_says_not_from_this_system(client, stamps):
    unknown = codes.new_code()
    response = scan(client, unknown)
    assert response.status_code == 404
    assert "không do hệ thống này cấp" in text(response)
    assert reverse("stamps:report", args=[unknown]) in text(response)


def test_lowercase_code_redirects_to_canonical(client, stamps):
    response = scan(client, stamps[0].code.lower())
    assert response.status_code == 301
    assert response["Location"] == reverse("stamps:scan", args=[stamps[0].code])


def test_scan_log_hashes_ip_and_keeps_ua_family(client, stamps):
    scan(
        client,
        stamps[0].code,
        HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Zalo/1.0",
        REMOTE_ADDR="203.0.113.9",
    )
    entry = Scan.objects.get()
    assert entry.ua_family == "Zalo" and len(entry.ip_hash) == 32
    assert "203.0.113.9" not in entry.ip_hash and entry.latitude is None
    assert entry.business == stamps[0].order.business and entry.result == ScanResult.OK


def test_location_is_kept_coarse_and_only_with_token(client, stamps):
    scan(client, stamps[0].code)
    entry = Scan.objects.get()
    url = reverse("stamps:location")
    assert client.post(url, {"token": "forged", "lat": 22.6, "lon": 106.2}).status_code == 400
    token = location_token(entry.pk)
    assert client.post(url, {"token": token, "lat": 22.6666, "lon": 106.2577}).status_code == 204
    entry.refresh_from_db()
    assert float(entry.latitude) == 22.7 and entry.province == "Cao Bằng"


def test_far_apart_scans_raise_a_signal(client, stamps, dost_admin, biz_owner):
    url = reverse("stamps:location")
    for lat, lon in ((22.67, 106.26), (10.78, 106.70)):  # Cao Bằng, then Hồ Chí Minh City
        scan(client, stamps[0].code)
        entry = Scan.objects.order_by("-pk").first()
        token = location_token(entry.pk)
        client.post(url, {"token": token, "lat": lat, "lon": lon})
    signal = Signal.objects.get(kind=SignalKind.FAR_APART)
    assert "Cao Bằng" in signal.detail and signal.business == stamps[0].order.business
    assert Notification.objects.filter(organisation=biz_owner.organisation).exists()
    assert Notification.objects.filter(organisation=dost_admin.organisation).exists()


def test_many_scans_raise_one_signal_in_the_periodic_check(client, stamps, settings, dost):
    settings.STAMP_SCAN_THRESHOLD = 3
    for _ in range(6):
        scan(client, stamps[0].code)
    assert not Signal.objects.exists()  # not in the page's request
    assert len(check_signals()) == 1
    assert check_signals() == []
    assert Signal.objects.filter(kind=SignalKind.MANY_SCANS).count() == 1


def test_repeated_unknown_and_voided_codes_raise_signals(client, stamps, settings, dost):
    settings.STAMP_REPEAT_THRESHOLD = 2
    unknown = codes.new_code()
    for _ in range(3):
        scan(client, unknown)
        scan(client, stamps[1].code)
    check_signals()
    assert Signal.objects.get(kind=SignalKind.UNKNOWN_REPEATED).code == unknown
    assert Signal.objects.get(kind=SignalKind.VOIDED_REPEATED).stamp == stamps[1]


def test_fake_report_reaches_dost_and_managing_agencies(
    client, stamps, dost_admin, dept_officer, commune_officer, other_commune_officer
):
    response = client.post(
        reverse("stamps:report", args=[stamps[0].code]),
        {"what": "Bao bì in mờ", "where_bought": "Chợ Trùng Khánh", "photo": png_upload()},
    )
    assert response.status_code == 302
    report = FakeReport.objects.get()
    assert report.stamp == stamps[0] and report.photo
    for org in (dost_admin, dept_officer, commune_officer):
        assert Notification.objects.filter(organisation=org.organisation).exists()
    assert not Notification.objects.filter(organisation=other_commune_officer.organisation)


def test_fake_report_for_unknown_code_goes_to_dost_only(client, dost_admin, dept_officer):
    code = codes.new_code()
    client.post(
        reverse("stamps:report", args=[code]), {"what": "Tem lạ", "where_bought": "Chợ đêm"}
    )
    assert FakeReport.objects.get().code == code
    assert Notification.objects.filter(organisation=dost_admin.organisation).count() == 1
    assert not Notification.objects.filter(organisation=dept_officer.organisation).exists()


def test_fake_report_is_rate_limited(client, dost):
    code = codes.new_code()
    statuses = [
        client.post(
            reverse("stamps:report", args=[code]), {"what": "x", "where_bought": "y"}
        ).status_code
        for _ in range(7)
    ]
    assert statuses[-1] == 429 and FakeReport.objects.count() == 5


def test_report_photo_and_stats_are_refused_to_outsiders(
    client, stamps, other_biz, other_commune_officer, dept_officer, login, dost
):
    client.post(
        reverse("stamps:report", args=[stamps[0].code]),
        {"what": "x", "where_bought": "y", "photo": png_upload()},
    )
    url = reverse("stamps:report_photo", args=[FakeReport.objects.get().pk])
    assert client.get(url).status_code == 302
    assert login(other_biz).get(url).status_code == 404
    assert login(other_commune_officer).get(url).status_code == 404
    assert login(dept_officer).get(url).status_code == 200


def test_business_stats_show_only_own_scans(client, stamps, biz_owner, other_biz, login):
    scan(client, stamps[0].code)
    scan(client, codes.new_code())
    own = login(biz_owner).get(reverse("stamps:scans")).content.decode()
    assert "Hạt dẻ Trùng Khánh" in own
    other = login(other_biz).get(reverse("stamps:scans")).content.decode()
    assert "Hạt dẻ Trùng Khánh" not in other


def test_digital_link_opens_the_same_page(client, stamps):
    code = stamps[0].code
    url = f"/01/08934567890007/10/HD-2026-01/21/{code[:-1]}"
    response = client.get(url)
    assert response.status_code == 200 and "HD-2026-01" in text(response)
    assert "Số lô in trong mã QR khác" not in text(response)
    assert "Số lô in trong mã QR khác" in text(client.get(url.replace("HD-2026-01", "X9")))
    assert client.get(f"/01/08934567890007/21/{code[:-1]}").status_code == 200


def test_digital_link_refuses_wrong_gtin_and_bad_check_digit(client, stamps):
    code = stamps[0].code
    assert client.get(f"/01/08934567890014/21/{code[:-1]}").status_code == 404  # other GTIN
    assert client.get(f"/01/08934567890008/21/{code[:-1]}").status_code == 400  # bad check


def test_withdrawn_product_shows_only_its_producer(client, stamps, product):
    from txng.catalog.models import Product

    Product.objects.filter(pk=product.pk).update(state="withdrawn", withdrawn_reason="Sai nhãn")
    page = text(scan(client, stamps[0].code))
    assert "HTX Hạt dẻ Trùng Khánh" in page and "chưa được công bố" in page
    assert "Hạt dẻ Trùng Khánh rang" not in page and "TCCS 01:2024" not in page


def test_scan_page_never_shows_a_product_name_that_was_never_approved(client, biz_owner, lot):
    from txng.catalog.tests.helpers import draft

    product, _rev = draft(biz_owner, name="Tên chưa duyệt")
    order = OrderFactory(product=product, lot=lot, quantity=1, state="ready")
    stamp = make_stamps(order, state=StampState.ACTIVATED, lot=lot)[0]
    page = text(scan(client, stamp.code))
    assert "Tên chưa duyệt" not in page and "Sản phẩm chưa được công bố" in page


def test_cached_timeline_shows_a_recall_on_the_very_next_scan(
    client, stamps, lot, biz_owner, django_capture_on_commit_callbacks
):
    assert "Lô hàng này đã bị thu hồi" not in text(scan(client, stamps[0].code))  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        tracing_actions.recall_lots([lot], actor=biz_owner, reason="Nhiễm nấm mốc")
    page = text(scan(client, stamps[0].code))
    assert "Lô hàng này đã bị thu hồi" in page and "Nhiễm nấm mốc" in page
    assert "Thu hồi" in page.split("Hành trình sản phẩm")[1]  # the timeline's recall step


def test_recall_warning_does_not_wait_for_the_cache(client, stamps, lot, biz_owner):
    scan(client, stamps[0].code)
    # Even if the version bump never ran (say, another process's local cache), the warning,
    # read live on every scan, still shows.
    tracing_actions.recall_lots([lot], actor=biz_owner, reason="Nhiễm nấm mốc")
    assert "Lô hàng này đã bị thu hồi" in text(scan(client, stamps[0].code))


def test_cached_timeline_follows_new_and_withdrawn_events(
    client, stamps, lot, biz_owner, django_capture_on_commit_callbacks
):
    scan(client, stamps[0].code)
    with django_capture_on_commit_callbacks(execute=True):
        entry = tracing_actions.add_diary_entry(
            lot, actor=biz_owner, stage_kind="drying", stage_name="Sấy bằng lò củi"
        )
    assert "Sấy bằng lò củi" in text(scan(client, stamps[0].code))
    with django_capture_on_commit_callbacks(execute=True):
        tracing_actions.declare_error(entry.event, actor=biz_owner, reason="Nhập nhầm")
    assert "Sấy bằng lò củi" not in text(scan(client, stamps[0].code))


def test_a_rolled_back_change_keeps_the_trace_version():
    from django.db import transaction

    from txng.tracing.cache import bump_trace_version, trace_version

    before = trace_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        bump_trace_version()
        raise RuntimeError
    assert trace_version() == before


def test_every_scan_is_stored_and_counted(client, stamps):
    code = stamps[0].code
    for n in range(1, 6):
        assert f"quét {n} lần" in text(scan(client, code))
    stamps[0].refresh_from_db()
    assert stamps[0].scan_count == 5 == Scan.objects.filter(stamp=stamps[0]).count()
    first = Scan.objects.filter(stamp=stamps[0]).order_by("at").first()
    assert stamps[0].first_scanned_at == first.at
    assert Scan.objects.filter(stamp=stamps[0], result=ScanResult.OK).count() == 5


def test_a_stamp_on_the_counterfeit_list_never_opens_green(client, stamps, settings, dost):
    settings.STAMP_SCAN_THRESHOLD = 50
    Stamp.objects.filter(pk=stamps[0].pk).update(scan_count=55)
    scan(client, stamps[0].code)
    check_signals()
    page = text(scan(client, stamps[0].code))
    verdict = page.split('class="alert alert-danger verdict"')[1].split("</section>")[0]
    assert "tem có dấu hiệu bị sao chép" in verdict and "quét 57 lần" in verdict
    assert "Trả lại nơi bán" in verdict and "Tem chính hãng" not in page


def test_cached_product_and_producer_follow_edits(
    client, stamps, product, django_capture_on_commit_callbacks
):
    scan(client, stamps[0].code)
    with django_capture_on_commit_callbacks(execute=True):
        product.name = "Hạt dẻ rang muối"
        product.save()
        product.business.name = "HTX Nông sản Trùng Khánh"
        product.business.save()
    page = text(scan(client, stamps[0].code))
    assert "<title>Hạt dẻ rang muối" in page and "<h2>Hạt dẻ rang muối</h2>" in page
    assert "HTX Nông sản Trùng Khánh" in page and "<h2>Hạt dẻ Trùng Khánh</h2>" not in page


def test_english_scan_count_uses_the_right_plural_with_cached_frames(client, stamps):
    client.cookies["django_language"] = "en"
    first = text(scan(client, stamps[0].code, HTTP_ACCEPT_LANGUAGE="en"))
    assert "scanned 1 time," in first
    for n in (2, 3):
        assert f"scanned {n} times," in text(
            scan(client, stamps[0].code, HTTP_ACCEPT_LANGUAGE="en")
        )


def test_english_page_tells_the_products_shelf_life_from_the_lots_expiry_date(client, stamps, lot):
    # One Vietnamese phrase ("Hạn sử dụng") for both; English needs two. The facts block knows
    # the lot (as on the trace page): the lot's date, then the product's shelf life beside it.
    client.cookies["django_language"] = "en"
    page = text(scan(client, stamps[0].code))
    expiry = lot.expiry_date.strftime("%d/%m/%Y")
    assert f"<dt>Expiry date</dt><dd>{expiry} <small>(6 tháng)</small></dd>" in page
    assert "<dt>Shelf life</dt>" not in page  # never the product's label on the lot's date
    # A stamp not yet on a lot: only the product's shelf life, under its own label.
    assert "<dt>Shelf life</dt><dd>6 tháng</dd>" in text(scan(client, stamps[3].code))


def test_a_lifted_recall_leaves_the_scan_page_at_once(client, stamps, lot, biz_owner):
    recall = tracing_actions.recall_lots([lot], actor=biz_owner, reason="Nhiễm nấm mốc")
    assert "Lô hàng này đã bị thu hồi" in text(scan(client, stamps[0].code))
    tracing_actions.lift_recall(recall, actor=biz_owner, reason="Kiểm nghiệm lại đạt")
    page = text(scan(client, stamps[0].code))
    assert "Lô hàng này đã bị thu hồi" not in page and "Tem chính hãng" in page


def test_a_lot_whose_code_has_a_slash_can_be_reported(client):
    """The lot page offers the report form for its trace code, which may hold a "/"."""
    url = reverse("stamps:report", args=["(01)08934567890007(10)HD/2026"])
    assert client.get(url).status_code == 200
