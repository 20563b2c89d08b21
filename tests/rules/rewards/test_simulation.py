from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from mooring.rules.common import InvalidInputError
from mooring.rules.rewards import Cohort, PrizeProgram, VoucherProgram, simulate_program_cost
from mooring.rules.rewards.caps import OIG_NOMINAL_2016, SAMHSA_2025
from mooring.rules.rewards.prize_bowl import CTN_500, CTN_WEEKLY
from mooring.rules.rewards.simulation import test_days as schedule_days
from mooring.rules.rewards.vouchers import HIGGINS_1994, SILVERMAN_1996

MONDAY = date(2025, 1, 6)
COHORT = Cohort(
    patients=10, weeks=12, tests_per_week=3, p_negative=0.6, enrolled_on=MONDAY, p_missed=0.1
)
VOUCHERS = VoucherProgram(HIGGINS_1994)
PRIZES = PrizeProgram(CTN_500, CTN_WEEKLY)


def test_tests_fall_on_monday_wednesday_friday():
    days = schedule_days(COHORT)
    assert len(days) == 36
    assert [d.strftime("%a") for _, d in days[:3]] == ["Mon", "Wed", "Fri"]
    assert days[3] == (2, date(2025, 1, 13))


def test_all_negative_cohort_costs_the_published_maximum():
    sure = replace(COHORT, p_negative=1.0, p_missed=0.0)
    estimate = simulate_program_cost(VOUCHERS, sure, seed=1, runs=2)
    assert estimate.mean_per_patient == estimate.p90_per_patient == Decimal("997.50")
    assert estimate.sd_per_patient == Decimal("0.00")
    assert estimate.mean_cohort_total == Decimal("9975.00")
    silverman = simulate_program_cost(VoucherProgram(SILVERMAN_1996), sure, seed=1, runs=1)
    assert silverman.p50_per_patient == Decimal("1155.00")


def test_nobody_negative_costs_nothing():
    none = replace(COHORT, p_negative=0.0, p_missed=1.0)
    estimate = simulate_program_cost(PRIZES, none, seed=1, runs=2, cap_profile=SAMHSA_2025)
    assert estimate.mean_cohort_total == Decimal("0.00")
    assert estimate.awards_cut_by_caps == 0


def test_caps_bound_every_patient():
    sure = replace(COHORT, p_negative=1.0, p_missed=0.0)
    capped = simulate_program_cost(VOUCHERS, sure, seed=1, runs=1, cap_profile=SAMHSA_2025)
    assert capped.p90_per_patient == Decimal("750.00")
    assert capped.awards_cut_by_caps > 0
    oig = simulate_program_cost(PRIZES, sure, seed=1, runs=2, cap_profile=OIG_NOMINAL_2016)
    assert oig.p90_per_patient <= Decimal("75.00")
    assert oig.cap_profile == "OIG-NOMINAL-2016"
    assert set(OIG_NOMINAL_2016.evidence) <= set(oig.evidence)


def test_deterministic_given_the_seed():
    first = simulate_program_cost(PRIZES, COHORT, seed=42, runs=5)
    assert first == simulate_program_cost(PRIZES, COHORT, seed=42, runs=5)
    assert first.program == "CTN-500+CTN-WEEKLY"
    assert first.p10_per_patient <= first.p50_per_patient <= first.p90_per_patient
    assert first.p10_cohort_total <= first.p50_cohort_total <= first.p90_cohort_total


def test_prize_expected_cost_is_near_the_exact_value():
    # 12 weeks x 2 tests, always negative: 156 draws at $2.218 = $346.01 per person.
    sure = Cohort(patients=20, weeks=12, tests_per_week=2, p_negative=1.0, enrolled_on=MONDAY)
    estimate = simulate_program_cost(PRIZES, sure, seed=3, runs=10)
    assert abs(estimate.mean_per_patient - Decimal("346.01")) < Decimal("35")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"patients": 0}, "patients"),
        ({"weeks": 0}, "weeks"),
        ({"tests_per_week": 0}, "tests_per_week"),
        ({"p_negative": 1.5}, "p_negative"),
        ({"p_negative": True}, "p_negative"),
        ({"p_missed": "0.1"}, "p_missed"),
        ({"p_negative": 0.8, "p_missed": 0.3}, "p_missed"),
    ],
)
def test_bad_cohort(changes, field):
    with pytest.raises(InvalidInputError) as err:
        replace(COHORT, **changes)
    assert err.value.field == field


def test_bad_program_and_runs():
    with pytest.raises(InvalidInputError) as err:
        simulate_program_cost(HIGGINS_1994, COHORT, seed=1)
    assert err.value.field == "program"
    with pytest.raises(InvalidInputError) as err:
        simulate_program_cost(VOUCHERS, COHORT, seed=1, runs=0)
    assert err.value.field == "runs"


def test_vouchers_with_mixed_results_under_the_oig_cap():
    estimate = simulate_program_cost(VOUCHERS, COHORT, seed=9, runs=3, cap_profile=OIG_NOMINAL_2016)
    assert Decimal("0.00") <= estimate.p10_per_patient <= estimate.p90_per_patient
    assert estimate.p90_per_patient <= Decimal("75.00")
    uncapped = simulate_program_cost(VOUCHERS, COHORT, seed=9, runs=3)
    assert uncapped.mean_per_patient >= estimate.mean_per_patient
