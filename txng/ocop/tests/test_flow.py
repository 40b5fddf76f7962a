"""Apply → commune pre-check and score → council sheets → decision; who may score; version
pinning; validity, expiry and reminders; what the public pages show."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from txng.accounts.models import Notification
from txng.accounts.tests.factories import UserFactory
from txng.catalog.tests.helpers import published
from txng.ocop import actions, scoring
from txng.ocop.demo_sheet import EXAMPLE_CRITERIA
from txng.ocop.models import AppState, Result, Stage
from txng.ocop.tests.helpers import (
    answers_for,
    best_answers,
    council,
    example_sheet,
    result_for,
    to_council,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(dost_admin):
    return example_sheet(dost_admin)


@pytest.fixture
def product(biz_owner, dept_officer):
    return published(biz_owner, dept_officer, name="Miến dong Nguyên Bình")


@pytest.fixture
def app(product, biz_owner, sheet):
    return actions.apply(product, actor=biz_owner, group="food")


def test_commune_scores_only_its_own_businesses(app, commune_officer, other_commune_officer):
    answers = best_answers(EXAMPLE_CRITERIA)
    with pytest.raises(PermissionDenied):
        actions.commune_score(app, actor=other_commune_officer, answers=answers)
    scored = actions.commune_score(app, actor=commune_officer, answers=answers)
    assert scored.total == 100 and scored.stage == Stage.COMMUNE


def test_a_business_never_scores_not_even_its_own_product(app, biz_owner, other_biz):
    answers = best_answers(EXAMPLE_CRITERIA)
    for user in (biz_owner, other_biz):
        with pytest.raises(PermissionDenied):
            actions.commune_score(app, actor=user, answers=answers)
        with pytest.raises(PermissionDenied):
            actions.council_score(app, actor=user, answers=answers)


def test_a_department_is_not_the_commune_precheck(app, dept_officer):
    with pytest.raises(PermissionDenied):
        actions.commune_score(app, actor=dept_officer, answers=best_answers(EXAMPLE_CRITERIA))


def test_only_round_members_score_in_council(app, commune_officer, dost_admin, dost, dept_officer):
    members = council(dost, 2)
    to_council(app, commune_officer=commune_officer, dost_admin=dost_admin, members=members)
    with pytest.raises(PermissionDenied):
        actions.council_score(app, actor=dept_officer, answers=best_answers(EXAMPLE_CRITERIA))
    with pytest.raises(PermissionDenied):
        actions.council_score(app, actor=commune_officer, answers=best_answers(EXAMPLE_CRITERIA))


def test_a_commune_official_cannot_sit_on_the_council(app, dost_admin, commune_officer):
    actions.commune_score(app, actor=commune_officer, answers=best_answers(EXAMPLE_CRITERIA))
    actions.propose(app, actor=commune_officer)
    with pytest.raises(ValidationError):
        actions.create_round(
            actor=dost_admin, name="x", year=2026, members=[commune_officer], applications=[app]
        )


def test_propose_needs_the_commune_score_first(app, commune_officer):
    with pytest.raises(ValidationError):
        actions.propose(app, actor=commune_officer)


def test_result_is_the_members_average_and_stars_follow_it(
    app, commune_officer, dost_admin, dost, biz_owner
):
    members = council(dost, 3)
    to_council(app, commune_officer=commune_officer, dost_admin=dost_admin, members=members)
    for member, target in zip(members, (73, 67, 70), strict=True):
        answers, total = answers_for(EXAMPLE_CRITERIA, target)
        assert total == target
        actions.council_score(app, actor=member, answers=answers)
    app.refresh_from_db()
    assert app.state == AppState.SCORED
    assert actions.council_average(app) == 70
    result = actions.recognise(
        app, actor=dost_admin, decision_number="45/QĐ-UBND", decided_on=date(2026, 3, 2)
    )
    assert (result.points, result.stars) == (70, 4)
    assert result.valid_until == date(2029, 3, 1)  # 36 months
    assert Notification.objects.filter(
        organisation=biz_owner.organisation, message__contains="4 sao"
    ).exists()


def test_five_stars_only_with_the_ministry_result(app, commune_officer, dost_admin, dost):
    members = council(dost, 1)
    to_council(app, commune_officer=commune_officer, dost_admin=dost_admin, members=members)
    actions.council_score(app, actor=members[0], answers=best_answers(EXAMPLE_CRITERIA))
    with pytest.raises(ValidationError, match="Bộ Nông nghiệp"):
        actions.recognise(app, actor=dost_admin, decision_number="1", decided_on=date(2026, 1, 5))
    result = actions.recognise(
        app,
        actor=dost_admin,
        decision_number="9/QĐ-BNNMT",
        decided_on=date(2026, 1, 5),
        ministry=True,
    )
    assert result.stars == 5 and "Bộ Nông nghiệp" in result.decided_by


def test_under_50_is_not_recognised(app, commune_officer, dost_admin, dost):
    members = council(dost, 1)
    to_council(app, commune_officer=commune_officer, dost_admin=dost_admin, members=members)
    answers, total = answers_for(EXAMPLE_CRITERIA, 45)
    actions.council_score(app, actor=members[0], answers=answers)
    with pytest.raises(ValidationError, match="50"):
        actions.recognise(app, actor=dost_admin, decision_number="1", decided_on=date(2026, 1, 5))


def test_scoring_keeps_the_sheet_version_it_started_with(
    app, commune_officer, dost_admin, dost, sheet
):
    to_council(
        app, commune_officer=commune_officer, dost_admin=dost_admin, members=council(dost, 1)
    )
    # DOST publishes a new version (one criterion re-weighted inside part C) meanwhile.
    changed = [dict(c) for c in EXAMPLE_CRITERIA]
    changed[-1] = {**changed[-1], "text": "Khả năng xuất khẩu (bản 2)"}
    v2 = example_sheet(dost_admin, criteria=changed)
    assert v2.version == sheet.version + 1
    member = app.round.members.get()
    scored = actions.council_score(app, actor=member, answers=best_answers(EXAMPLE_CRITERIA))
    assert scored.sheet == sheet and app.sheet == sheet
    # A new application uses the new version.
    other = actions.apply(
        published(app.business.users.get(), dost_admin, name="Bánh cuốn"),
        actor=app.business.users.get(),
        group="food",
    )
    actions.commune_score(other, actor=commune_officer, answers=best_answers(changed))
    other.refresh_from_db()
    assert other.sheet == v2


def test_a_published_sheet_is_not_published_twice(sheet, dost_admin):
    with pytest.raises(ValidationError):
        actions.publish_sheet(sheet, actor=dost_admin)


def test_result_is_valid_36_months_then_gone_from_the_public_page(client, product):
    start = timezone.localdate() - timedelta(days=10)
    result = result_for(product, stars=4, recognised_on=start, decision="77/QĐ-UBND")
    html = client.get(product.get_absolute_url()).content.decode()
    assert "OCOP 4 sao" in html and "77/QĐ-UBND" in html and str(start.year) in html
    assert result.is_valid(result.valid_until) and not result.is_valid(
        result.valid_until + timedelta(days=1)
    )
    Result.objects.filter(pk=result.pk).update(
        recognised_on=start - timedelta(days=365 * 3 + 30), valid_until=start - timedelta(days=20)
    )
    html = client.get(product.get_absolute_url()).content.decode()
    assert "OCOP 4 sao" not in html


def test_public_search_filters_by_valid_stars_only(client, product, biz_owner, dept_officer):
    result_for(product, stars=4)
    expired = published(biz_owner, dept_officer, name="Chè Ngọc Côn")
    old = result_for(expired, stars=5, recognised_on=date(2020, 1, 1))
    assert not old.is_valid()
    html = client.get(reverse("public:search"), {"ocop": 4}).content.decode()
    assert "Miến dong Nguyên Bình" in html and "Chè Ngọc Côn" not in html


def test_reminders_90_and_30_days_before_expiry_once_each(product, biz_owner):
    result = result_for(product, stars=3, recognised_on=date(2024, 1, 1))
    notices = Notification.objects.filter(
        organisation=biz_owner.organisation, message__contains="hết hiệu lực"
    )
    end = result.valid_until
    assert actions.remind_expiring(today=end - timedelta(days=91)) == 0
    assert actions.remind_expiring(today=end - timedelta(days=90)) == 1
    assert actions.remind_expiring(today=end - timedelta(days=60)) == 0
    assert actions.remind_expiring(today=end - timedelta(days=30)) == 1
    assert actions.remind_expiring(today=end - timedelta(days=29)) == 0
    assert notices.count() == 2


def test_a_result_found_first_at_20_days_gets_one_notice(product, biz_owner):
    result = result_for(product, stars=3, recognised_on=date(2024, 1, 1))
    assert actions.remind_expiring(today=result.valid_until - timedelta(days=20)) == 1
    assert actions.remind_expiring(today=result.valid_until - timedelta(days=19)) == 0


def test_reminder_command_runs(product, capsys):
    from django.core.management import call_command

    result_for(product, stars=3, recognised_on=timezone.localdate() - timedelta(days=365 * 3 - 40))
    call_command("remind_ocop")
    assert "1" in capsys.readouterr().out


def test_business_cannot_apply_for_another_business_product(product, other_biz, sheet):
    with pytest.raises(PermissionDenied):
        actions.apply(product, actor=other_biz, group="food")


def test_evidence_must_be_the_business_own_documents(product, biz_owner, other_business):
    from django.core.files.base import ContentFile

    from txng.catalog.models import Document

    foreign = Document.objects.create(
        business=other_business, kind="certificate", file=ContentFile(b"%PDF", name="x.pdf")
    )
    with pytest.raises(ValidationError):
        actions.apply(product, actor=biz_owner, group="food", evidence=[foreign])


def test_commune_scores_through_the_form_and_sees_the_total(client, app, commune_officer):
    client.force_login(commune_officer)
    url = reverse("ocop:score", args=[app.pk])
    assert client.get(url).status_code == 200
    post = {f"c{i}": "1" for i in range(len(EXAMPLE_CRITERIA))}
    response = client.post(url, post, follow=True)
    assert "49" in response.content.decode()
    assert app.scorings.get().total == 49


def test_an_incomplete_form_names_what_is_missing_and_keeps_the_ticks(client, app, commune_officer):
    client.force_login(commune_officer)
    response = client.post(reverse("ocop:score", args=[app.pk]), {"c0": "2"})
    html = response.content.decode()
    assert (
        "Chưa chấm tiêu chí" in html
        and 'value="2" data-points="3" data-part="A" required checked' in html
    )
    assert not app.scorings.exists()


def test_overview_lists_only_the_commune_businesses(
    client, app, other_commune_officer, commune_officer
):
    client.force_login(other_commune_officer)
    assert "Miến dong" not in client.get(reverse("ocop:overview")).content.decode()
    client.force_login(commune_officer)
    assert "Miến dong" in client.get(reverse("ocop:overview")).content.decode()


def test_overview_exports_xlsx(client, product, dost_admin):
    import io

    import openpyxl

    result_for(product, stars=4)
    client.force_login(dost_admin)
    response = client.get(reverse("ocop:overview"), {"format": "xlsx", "stars": 4})
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[2]][:4] == [
        "Miến dong Nguyên Bình",
        product.business.name,
        "Thực phẩm",
        4,
    ]


def test_stars_follow_points_for_any_council(app, commune_officer, dost_admin, dost):
    """A seeded sweep of whole councils through the real actions (not only the pure functions)."""
    import random

    rng = random.Random(148)
    members = council(dost, 3)
    to_council(app, commune_officer=commune_officer, dost_admin=dost_admin, members=members)
    for _ in range(5):
        for m in members:
            answers = {i: rng.randrange(len(c["options"])) for i, c in enumerate(EXAMPLE_CRITERIA)}
            s = actions.council_score(app, actor=m, answers=answers)
            assert s.stars == scoring.stars_for(s.total)
        avg = actions.council_average(app)
        assert scoring.stars_for(avg) == next(st for lo, st in scoring.STAR_BANDS if avg >= lo)


def test_member_officials_of_a_department_may_sit(app, commune_officer, dost_admin, department):
    member = UserFactory(organisation=department, role="officer", username="council_dept")
    to_council(app, commune_officer=commune_officer, dost_admin=dost_admin, members=[member])
    assert actions.council_score(app, actor=member, answers=best_answers(EXAMPLE_CRITERIA))
