"""Set-ups the OCOP tests share: the example sheet published, an application scored through."""

from datetime import date

from txng.accounts.tests.factories import UserFactory
from txng.ocop import actions
from txng.ocop.demo_sheet import EXAMPLE_CRITERIA, EXAMPLE_TITLE
from txng.ocop.models import Application, AppState, Result
from txng.ocop.scoring import VALIDITY_MONTHS


def example_sheet(dost_admin, group="food", criteria=None):
    sheet = actions.save_sheet(
        actor=dost_admin,
        group=group,
        title=EXAMPLE_TITLE,
        criteria=criteria or EXAMPLE_CRITERIA,
        is_example=True,
    )
    return actions.publish_sheet(sheet, actor=dost_admin)


def answers_for(criteria, target):
    """Answers (criterion -> option) reaching exactly `target` points when the sheet allows:
    take each criterion's best option until the next would pass the target, then the option
    that fills what is left, else the lowest."""
    answers, total = {}, 0
    for i, c in enumerate(criteria):
        if c.get("bonus"):
            answers[i] = min(range(len(c["options"])), key=lambda j: c["options"][j]["points"])
            total += c["options"][answers[i]]["points"]
            continue
        fits = [j for j, o in enumerate(c["options"]) if total + o["points"] <= target]
        best = max(fits, key=lambda j: c["options"][j]["points"]) if fits else 0
        answers[i] = best
        total += c["options"][best]["points"]
    return answers, total


def best_answers(criteria):
    return {
        i: max(range(len(c["options"])), key=lambda j: c["options"][j]["points"])
        for i, c in enumerate(criteria)
    }


def council(dost, n=3):
    return [
        UserFactory(organisation=dost, role="officer", username=f"council{i}") for i in range(n)
    ]


def to_council(app, *, commune_officer, dost_admin, members, answers=None):
    criteria = app.sheet.criteria if app.sheet else EXAMPLE_CRITERIA
    actions.commune_score(app, actor=commune_officer, answers=answers or best_answers(criteria))
    actions.propose(app, actor=commune_officer)
    actions.create_round(
        actor=dost_admin, name="Đợt 1", year=2026, members=members, applications=[app]
    )
    app.refresh_from_db()
    return app


def result_for(product, *, stars=4, recognised_on=None, decision="12/QĐ-UBND"):
    """A recognised result written directly (for pages that only read results)."""
    from txng.ocop.models import add_months

    recognised_on = recognised_on or date.today()
    app = Application.objects.create(
        product=product, business=product.business, group="food", state=AppState.RECOGNISED
    )
    return Result.objects.create(
        application=app,
        product=product,
        points={3: 60, 4: 80, 5: 95}[stars],
        stars=stars,
        decision_number=decision,
        recognised_on=recognised_on,
        decided_by="UBND tỉnh",
        valid_until=add_months(recognised_on, VALIDITY_MONTHS),
    )
