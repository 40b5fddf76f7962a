"""The sheet's arithmetic: hand-computed sheets, the half-open star bands, and a property test
that stars never disagree with points."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from txng.ocop import scoring
from txng.ocop.demo_sheet import EXAMPLE_CRITERIA
from txng.ocop.tests.helpers import best_answers


@pytest.mark.parametrize(
    ("points", "stars"),
    [
        (100, 5),
        (90, 5),
        ("89.99", 4),
        (70, 4),
        ("69.99", 3),
        (50, 3),
        ("49.99", 2),
        (30, 2),
        ("29.99", 1),
        (0, 1),
    ],
)
def test_star_bands_are_half_open(points, stars):
    assert scoring.stars_for(points) == stars


def test_points_outside_0_to_100_are_refused():
    with pytest.raises(ValueError):
        scoring.stars_for(100.5)
    with pytest.raises(ValueError):
        scoring.stars_for(-1)


def test_hand_computed_sheet():
    # Second option everywhere (bonus: "Có" = 1). Part A: 1+2+2+2 + 2+2+2 + 3+2+1 + 1 = 20.
    # B: 3+2+3 + 2+3 = 13. C: 3+2+2 + 2+2+2 + 3 = 16. Total 49: 2★, just under the 3★ floor.
    answers = {i: 1 for i in range(len(EXAMPLE_CRITERIA))}
    parts, total = scoring.score(EXAMPLE_CRITERIA, answers)
    assert parts == {"A": 20, "B": 13, "C": 16}
    assert total == 49 and scoring.stars_for(total) == 2


def test_best_answers_reach_exactly_100_and_bonus_never_lifts_a_part_past_its_maximum():
    parts, total = scoring.score(EXAMPLE_CRITERIA, best_answers(EXAMPLE_CRITERIA))
    assert parts == {"A": 40, "B": 25, "C": 35} and total == 100


def test_an_unanswered_criterion_is_named():
    answers = {i: 0 for i in range(len(EXAMPLE_CRITERIA))}
    del answers[4]
    with pytest.raises(ValidationError, match="5"):
        scoring.score(EXAMPLE_CRITERIA, answers)


def test_average_of_members_rounds_half_up_to_two_places():
    assert scoring.average([Decimal("70"), Decimal("69.99"), Decimal("70")]) == Decimal(
        "69.997"
    ).quantize(Decimal("0.01"))
    assert scoring.average([89, 90, 90]) == Decimal("89.67")
    assert scoring.stars_for(scoring.average([89, 90, 90])) == 4


def _band(points):
    """The bands written out the way Decision 148 words them."""
    if 90 <= points <= 100:
        return 5
    if 70 <= points < 90:
        return 4
    if 50 <= points < 70:
        return 3
    if 30 <= points < 50:
        return 2
    return 1


answers_strategy = st.fixed_dictionaries(
    {i: st.integers(0, len(c["options"]) - 1) for i, c in enumerate(EXAMPLE_CRITERIA)}
)


@given(st.lists(answers_strategy, min_size=1, max_size=7))
def test_stars_never_disagree_with_points(members):
    totals = []
    for answers in members:
        parts, total = scoring.score(EXAMPLE_CRITERIA, answers)
        assert all(parts[p] <= m for p, m in scoring.PART_MAXIMA.items())
        assert 0 <= total <= 100
        assert scoring.stars_for(total) == _band(total)
        totals.append(total)
    avg = scoring.average(totals)
    assert scoring.stars_for(avg) == _band(avg)
    assert min(totals) <= avg <= max(totals)


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_stars_match_the_worded_bands_for_any_two_place_total(points):
    assert scoring.stars_for(points) == _band(points)
