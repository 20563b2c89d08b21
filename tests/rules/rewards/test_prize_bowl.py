import random
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType

import pytest

from mooring.rules.common import InvalidInputError, UnknownProfileError
from mooring.rules.rewards import (
    PrizeTier,
    ScheduledTest,
    TestResult,
    bowl_composition,
    draw_escalation,
    draw_prizes,
    draws_for_tests,
    expected_value,
    expected_value_per_draw,
    prize_earnings,
)
from mooring.rules.rewards.prize_bowl import CTN_500, CTN_WEEKLY, prize_value, to_cents

N, P, M = TestResult.NEGATIVE, TestResult.POSITIVE, TestResult.MISSED


def weekly(*rows):
    """rows: (week, result) pairs."""
    return [ScheduledTest(week, result) for week, result in rows]


def test_ctn_bowl_composition():
    assert CTN_500.total_slips == 500
    assert CTN_500.slips[PrizeTier.GOOD_JOB] == 250
    assert expected_value_per_draw(CTN_500) == Fraction(1109, 500)
    assert to_cents(expected_value_per_draw(CTN_500)) == Decimal("2.22")
    assert expected_value(CTN_500, 10) == Fraction(1109, 50)


@pytest.mark.parametrize(
    ("rows", "draws"),
    [
        ([(1, N), (1, N), (2, N), (2, N), (3, N)], [1, 1, 2, 2, 3]),
        ([(1, N), (2, N), (2, P), (2, N), (3, N)], [1, 2, 0, 1, 2]),
        ([(1, N), (2, M), (3, N), (4, N)], [1, 0, 1, 2]),
        ([(1, P), (5, N), (9, N)], [0, 1, 5]),
        ([], []),
    ],
)
def test_draw_escalation_table(rows, draws):
    assert draws_for_tests(CTN_WEEKLY, weekly(*rows)) == tuple(draws)


def test_draw_cap_as_a_setting():
    capped = replace(CTN_WEEKLY, id="CAPPED-3", max_draws=3)
    tests = weekly(*[(w, N) for w in range(1, 7)])
    assert draws_for_tests(capped, tests) == (1, 2, 3, 3, 3, 3)


@pytest.mark.parametrize(
    "tests",
    [
        [ScheduledTest(2, N), ScheduledTest(1, N)],
        [ScheduledTest(0, N)],
        [ScheduledTest(1, "negative")],
        [(1, N)],
    ],
)
def test_bad_tests(tests):
    with pytest.raises(InvalidInputError) as err:
        draws_for_tests(CTN_WEEKLY, tests)
    assert err.value.field.startswith("tests")


def test_same_seed_same_prizes():
    tests = weekly(*[(w, N) for w in range(1, 13) for _ in range(2)])
    first = prize_earnings(CTN_500, CTN_WEEKLY, tests, random.Random(7))
    again = prize_earnings(CTN_500, CTN_WEEKLY, tests, random.Random(7))
    assert first == again
    assert first.draws == 2 * sum(range(1, 13))
    assert first.total == sum(e.value for e in first.entries)
    assert first.entries[-1].running_total == first.total
    assert set(first.evidence) == set(CTN_500.evidence + CTN_WEEKLY.evidence)


def test_positive_draws_nothing():
    ledger = prize_earnings(CTN_500, CTN_WEEKLY, weekly((1, P)), random.Random(1))
    assert ledger.entries[0].prizes == ()
    assert ledger.total == Decimal("0.00")


def test_without_replacement_empties_the_bowl():
    tiny = replace(
        CTN_500,
        id="TINY",
        slips=MappingProxyType(
            {PrizeTier.GOOD_JOB: 1, PrizeTier.SMALL: 1, PrizeTier.LARGE: 1, PrizeTier.JUMBO: 1}
        ),
    )
    prizes = draw_prizes(tiny, 4, random.Random(3), replace=False)
    assert sorted(prizes) == sorted(PrizeTier)
    assert prize_value(tiny, prizes) == Decimal("121.00")
    with pytest.raises(InvalidInputError) as err:
        draw_prizes(tiny, 5, random.Random(3), replace=False)
    assert err.value.field == "draws"


def test_with_replacement_can_repeat():
    only_small = replace(
        CTN_500,
        id="SMALL",
        slips=MappingProxyType(
            {PrizeTier.GOOD_JOB: 0, PrizeTier.SMALL: 1, PrizeTier.LARGE: 0, PrizeTier.JUMBO: 0}
        ),
    )
    assert draw_prizes(only_small, 3, random.Random(0)) == (PrizeTier.SMALL,) * 3


def test_rng_must_be_injected():
    with pytest.raises(InvalidInputError) as err:
        draw_prizes(CTN_500, 1, 42)
    assert err.value.field == "rng"


def test_lookups():
    assert bowl_composition("CTN-500") is CTN_500
    assert draw_escalation("CTN-WEEKLY") is CTN_WEEKLY
    with pytest.raises(UnknownProfileError):
        bowl_composition("X")
    with pytest.raises(UnknownProfileError):
        draw_escalation("X")


@pytest.mark.parametrize(
    ("target", "changes", "field"),
    [
        (CTN_500, {"slips": MappingProxyType({PrizeTier.SMALL: 1})}, "slips"),
        (CTN_500, {"slips": MappingProxyType({t: 0 for t in PrizeTier})}, "slips"),
        (CTN_500, {"slips": MappingProxyType({t: -1 for t in PrizeTier})}, "slips[good_job]"),
        (
            CTN_500,
            {"prize_values": MappingProxyType({t: 1.0 for t in PrizeTier})},
            "prize_values[good_job]",
        ),
        (CTN_WEEKLY, {"first_draws": 0}, "first_draws"),
        (CTN_WEEKLY, {"added_per_week": -1}, "added_per_week"),
        (CTN_WEEKLY, {"max_draws": 0}, "max_draws"),
    ],
)
def test_bad_settings(target, changes, field):
    with pytest.raises(InvalidInputError) as err:
        replace(target, **changes)
    assert err.value.field == field
