from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from txng.accounts.tests.factories import BusinessFactory
from txng.reports import figures, tallies
from txng.reports.models import Metric, Tally

pytestmark = pytest.mark.django_db


def _rows(sections, key):
    return {str(r.label): r.value for s in sections if s.key == key for r in s.rows}


def _scope(user):
    today = timezone.localdate()
    return figures.Scope.for_user(user, date(today.year, 1, 1), today)


def test_tallies_count_scans_lots_and_events_per_business_and_province(chain, biz_owner):
    tallies.refresh()
    today = timezone.localdate()
    scans = Tally.objects.filter(metric=Metric.SCANS)
    assert scans.get(day=today, business=biz_owner.organisation).value == 3
    assert scans.get(day=today, business=None).value == 3
    assert scans.filter(day__lt=today - timedelta(days=300)).count() == 2  # the old one, twice
    lots = Tally.objects.get(metric=Metric.LOTS, day=today, business=None)
    assert lots.value == 2  # the lot and the receiver's incoming lot


def test_refresh_recounts_the_last_day_without_counting_twice(chain, biz_owner):
    tallies.refresh()
    tallies.refresh()
    today = timezone.localdate()
    assert Tally.objects.get(metric=Metric.SCANS, day=today, business=None).value == 3


def test_dost_figures_equal_hand_counts(chain, dost_admin):
    tallies.refresh()
    sections = figures.sections(_scope(dost_admin))
    assert (
        _rows(sections, "businesses_type")["Hợp tác xã"]
        + sum(v for k, v in _rows(sections, "businesses_type").items() if k != "Hợp tác xã")
        == 2
    )
    products = _rows(sections, "products")
    assert products["Đang công bố"] == 1
    assert products["Chưa công bố"] == 1
    assert products["Chờ duyệt"] == 0
    stamps = _rows(sections, "stamps")
    assert stamps["Tem được đặt in"] == 5
    assert stamps["Lượt quét tem"] == 3  # the scan of last year is outside the period
    assert _rows(sections, "tracing")["Lô hàng được ghi"] == 2


def test_agency_sees_only_the_businesses_it_manages(chain, commune_officer, other_commune_officer):
    BusinessFactory(name="Ngoài phạm vi")
    tallies.refresh()
    mine = figures.sections(_scope(commune_officer))
    assert sum(_rows(mine, "businesses_status").values()) == 1
    assert _rows(mine, "stamps")["Lượt quét tem"] == 3
    theirs = figures.sections(_scope(other_commune_officer))
    assert _rows(theirs, "stamps")["Lượt quét tem"] == 0
    assert _rows(theirs, "tracing")["Lô hàng được ghi"] == 1  # other_business's incoming lot


def test_business_sees_its_own_products_stock_and_scans(chain, biz_owner, other_biz):
    tallies.refresh()
    own = figures.sections(_scope(biz_owner))
    assert "businesses_status" not in {s.key for s in own}
    assert _rows(own, "stamps")["Lượt quét tem"] == 3
    assert _rows(own, "stock") == {"Hạt dẻ rang": 1}
    other = figures.sections(_scope(other_biz))
    assert _rows(other, "products")["Đang công bố"] == 0
    assert _rows(other, "stamps")["Lượt quét tem"] == 0


def test_an_app_above_registers_its_figures(dost_admin):
    def cases(scope):
        return [figures.Section("cases", "Vụ việc", [figures.Row("Đang mở", 7)])]

    figures.register("cases-test", cases, position=60)
    try:
        assert _rows(figures.sections(_scope(dost_admin)), "cases") == {"Đang mở": 7}
    finally:
        figures._PROVIDERS[:] = [p for p in figures._PROVIDERS if p[1] != "cases-test"]


@pytest.mark.parametrize("who", ["dost_admin", "dept_officer", "biz_owner"])
def test_dashboard_draws_each_chart_beside_its_table_with_links(client, chain, who, request):
    tallies.refresh()
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("reports:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<svg class="chart"') >= 3
    assert html.count("<table>") == html.count('class="card figure"')
    assert reverse("stamps:scans") in html
    assert "<script" not in html.split("<main", 1)[1]


def test_dashboard_period_is_chosen_and_checked(client, chain, dost_admin):
    tallies.refresh()
    client.force_login(dost_admin)
    year_ago = timezone.localdate() - timedelta(days=400)
    response = client.get(reverse("reports:dashboard"), {"start": year_ago, "end": year_ago})
    assert "Lượt quét tem" in response.content.decode()
    by_key = {s.key: s for s in response.context["sections"]}
    assert by_key["scans_month"].total == 1
    bad = client.get(reverse("reports:dashboard"), {"start": "2026-05-01", "end": "2026-01-01"})
    assert "Ngày bắt đầu phải trước ngày kết thúc" in bad.content.decode()


def test_dashboard_needs_a_login(client):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302


def test_front_page_links_to_the_dashboard(client, chain, dept_officer):
    client.force_login(dept_officer)
    html = client.get(reverse("accounts:home")).content.decode()
    assert reverse("reports:dashboard") in html
    assert reverse("reports:periods") in html
    assert 'id="fig-scans_month"' in html  # the figures themselves, with their chart
    assert '<svg class="chart"' in html
