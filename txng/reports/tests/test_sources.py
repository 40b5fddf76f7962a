"""The figures and hand-over reports adds for feedback's cases and ocop's results and
certificates, read within the scope of whoever asks."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from txng.accounts.tests.factories import BusinessFactory
from txng.feedback import actions as feedback
from txng.feedback.models import Case, CaseKind
from txng.ocop.models import Certificate
from txng.ocop.tests.helpers import result_for
from txng.reports import figures
from txng.reports.models import ExportJob
from txng.reports.tasks import run_export

pytestmark = pytest.mark.django_db


def _rows(sections, key):
    return {str(r.label): r.value for s in sections if s.key == key for r in s.rows}


def _scope(user):
    today = timezone.localdate()
    return figures.Scope.for_user(user, date(today.year, 1, 1), today)


@pytest.fixture(autouse=True)
def _agencies(dost, commune):
    """Cases are routed to the commune managing the business, else to DOST."""


def _complaint(product, kind=CaseKind.COMPLAINT):
    return feedback.file_case(kind=kind, description="Hạt dẻ bị mốc", product=product)


def test_open_and_overdue_cases_are_counted_by_kind_within_the_scope(
    chain, dost_admin, commune_officer, other_commune_officer
):
    late = _complaint(chain["product"])
    _complaint(chain["product"], CaseKind.VIOLATION)
    closed = _complaint(chain["product"])
    Case.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    Case.objects.filter(pk=closed.pk).update(state="resolved")
    for user in (dost_admin, commune_officer):
        sections = figures.sections(_scope(user))
        assert _rows(sections, "cases_open")["Khiếu nại về chất lượng, an toàn"] == 1
        assert _rows(sections, "cases_open")["Phản ánh vi phạm"] == 1
        assert _rows(sections, "cases_overdue")["Khiếu nại về chất lượng, an toàn"] == 1
        assert _rows(sections, "cases_overdue")["Phản ánh vi phạm"] == 0
    outside = figures.sections(_scope(other_commune_officer))
    assert sum(_rows(outside, "cases_open").values()) == 0


def test_ocop_results_by_stars_and_what_expires_within_90_days(
    chain, dost_admin, other_commune_officer
):
    product = chain["product"]
    result_for(product, stars=4)
    result_for(product, stars=5, recognised_on=timezone.localdate() - timedelta(days=3 * 365))
    revoked = result_for(product, stars=3)
    revoked.revoked_at = timezone.now()
    revoked.save()
    sections = figures.sections(_scope(dost_admin))
    stars = _rows(sections, "ocop_stars")
    assert (stars["3 sao"], stars["4 sao"], stars["5 sao"]) == (0, 1, 1)
    assert _rows(sections, "ocop_expiring")["Kết quả OCOP hết hiệu lực trong 90 ngày"] == 1
    assert sum(_rows(figures.sections(_scope(other_commune_officer)), "ocop_stars").values()) == 0


def test_certificates_counted_valid_as_their_page_says(chain, dost_admin, biz_owner):
    today = timezone.localdate()
    business = biz_owner.organisation

    def certificate(number, valid_until, **extra):
        cert = Certificate.objects.create(
            business=extra.pop("business", business),
            number=number,
            issued_on=today - timedelta(days=700),
            valid_until=valid_until,
            **extra,
        )
        cert.products.add(chain["product"])
        return cert

    certificate("1", today + timedelta(days=400))
    certificate("2", today + timedelta(days=30))
    certificate("3", today - timedelta(days=1))
    certificate("4", today + timedelta(days=400), revoked_at=timezone.now())
    certificate("5", today + timedelta(days=400), business=BusinessFactory(status="locked"))
    valid = [c for c in Certificate.objects.all() if c.status(today)[0] == "valid"]
    rows = _rows(figures.sections(_scope(dost_admin)), "ocop_expiring")
    assert rows["Giấy xác nhận tham gia TXNG còn hiệu lực"] == len(valid) == 2
    assert rows["Giấy xác nhận hết hiệu lực trong 90 ngày"] == 1


def test_case_page_hands_over_the_case_lots_to_the_official_handling_it(
    client, chain, commune_officer, biz_owner
):
    case = _complaint(chain["product"])
    handover = reverse("reports:export_new", args=["case", case.pk])
    client.force_login(commune_officer)
    assert handover in client.get(reverse("feedback:case", args=[case.pk])).content.decode()
    client.post(handover, {"date_from": "", "date_to": ""})
    job = ExportJob.objects.get(source="case", source_id=case.pk)
    run_export(job.pk)
    job.refresh_from_db()
    assert job.state == "done" and job.total > 0
    feedback.ask_business(case, actor=commune_officer, question="Giải trình lô hàng")
    client.force_login(biz_owner)
    page = client.get(reverse("feedback:case", args=[case.pk])).content.decode()
    assert handover not in page
