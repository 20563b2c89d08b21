"""Hypothesis invariants for contingency management."""

import random
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from mooring.rules.rewards import (
    Award,
    IncentiveForm,
    PrizeTier,
    TestResult,
    apply_cap,
    draw_prizes,
    expected_value_per_draw,
    voucher_earnings,
)
from mooring.rules.rewards.caps import OIG_NOMINAL_2016, SAMHSA_2025
from mooring.rules.rewards.prize_bowl import CTN_500, BowlComposition
from mooring.rules.rewards.vouchers import HIGGINS_1994, SILVERMAN_1996

results = st.lists(st.sampled_from(list(TestResult)), max_size=60)
money = st.decimals(min_value=0, max_value=2000, places=2, allow_nan=False, allow_infinity=False)


@given(results, st.sampled_from([HIGGINS_1994, SILVERMAN_1996]))
def test_voucher_earnings_never_fall(seq, schedule):
    ledger = voucher_earnings(schedule, seq)
    running = [e.running_total for e in ledger.entries]
    assert running == sorted(running)
    assert all(e.earned >= 0 for e in ledger.entries)
    assert ledger.total <= voucher_earnings(schedule, [TestResult.NEGATIVE] * len(seq)).total


@given(
    st.lists(st.tuples(money, st.sampled_from(list(IncentiveForm))), max_size=30),
    st.sampled_from([SAMHSA_2025, OIG_NOMINAL_2016]),
)
def test_no_cap_is_ever_exceeded(awards, profile):
    earned = Decimal("0.00")
    for amount, form in awards:
        capped = apply_cap(Award(amount, form), earned, profile)
        assert 0 <= capped.granted <= amount
        if profile.per_item is not None:
            assert capped.granted <= profile.per_item
        if form in profile.forbidden_forms:
            assert capped.granted == 0
        earned = capped.earned_this_year
        assert earned <= profile.per_year


@given(st.integers(), st.integers(min_value=0, max_value=50), st.booleans())
def test_same_seed_same_draws(seed, draws, replace):
    first = draw_prizes(CTN_500, draws, random.Random(seed), replace=replace)
    assert first == draw_prizes(CTN_500, draws, random.Random(seed), replace=replace)
    assert len(first) == draws


@given(
    st.lists(st.integers(min_value=0, max_value=5), min_size=4, max_size=4).filter(
        lambda counts: sum(counts) > 0
    ),
    st.lists(money, min_size=4, max_size=4),
)
def test_expected_value_matches_the_composition(counts, values):
    bowl = BowlComposition(
        "H",
        "hypothesis bowl",
        dict(zip(PrizeTier, counts, strict=True)),
        dict(zip(PrizeTier, values, strict=True)),
        (),
        CTN_500.numbers_grade,
    )
    # Enumerate every slip once: the mean of the whole bowl is the expected value of a draw.
    every_slip = draw_prizes(bowl, bowl.total_slips, random.Random(0), replace=False)
    mean = Fraction(sum(bowl.prize_values[t] for t in every_slip)) / bowl.total_slips
    assert expected_value_per_draw(bowl) == mean


@settings(max_examples=30)
@given(st.integers())
def test_long_run_mean_approaches_the_expected_value(seed):
    draws = draw_prizes(CTN_500, 4000, random.Random(seed))
    mean = sum(CTN_500.prize_values[t] for t in draws) / 4000
    assert abs(mean - Decimal("2.218")) < Decimal("0.9")
