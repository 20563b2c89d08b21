"""Programme cost estimates for contingency management, for a director's budget.

The simulation draws each scheduled test's result from the chance of a negative (and of a
missed) test, runs the voucher schedule or the prize bowl over it, applies the incentive cap
profile to every award, and reports the cost per person and per cohort. All randomness comes
from one ``random.Random(seed)``, so the same inputs always give the same figures.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from mooring.rules.common import InvalidInputError
from mooring.rules.rewards._common import CENT, TestResult, require_count
from mooring.rules.rewards.caps import (
    Award,
    CapOutcome,
    CapProfile,
    IncentiveForm,
    apply_cap,
    cap_year,
)
from mooring.rules.rewards.prize_bowl import (
    BowlComposition,
    DrawEscalation,
    ScheduledTest,
    draw_prizes,
    draws_for_tests,
)
from mooring.rules.rewards.vouchers import VoucherSchedule, voucher_earnings


@dataclass(frozen=True, slots=True)
class VoucherProgram:
    schedule: VoucherSchedule


@dataclass(frozen=True, slots=True)
class PrizeProgram:
    composition: BowlComposition
    escalation: DrawEscalation
    replace: bool = True


CmProgram = VoucherProgram | PrizeProgram


@dataclass(frozen=True, slots=True)
class Cohort:
    """Who is simulated: every person starts on ``enrolled_on`` and is tested on a schedule."""

    patients: int
    weeks: int
    tests_per_week: int
    p_negative: float  # chance that a scheduled test is negative
    enrolled_on: date
    p_missed: float = 0.0  # chance that it is missed; the rest are positive

    def __post_init__(self) -> None:
        require_count("patients", self.patients, minimum=1)
        require_count("weeks", self.weeks, minimum=1)
        require_count("tests_per_week", self.tests_per_week, minimum=1)
        for name in ("p_negative", "p_missed"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise InvalidInputError(name, "must be a probability from 0 to 1")
        if self.p_negative + self.p_missed > 1:
            raise InvalidInputError("p_missed", "p_negative + p_missed must not exceed 1")


@dataclass(frozen=True, slots=True)
class CostEstimate:
    program: str
    cap_profile: str | None
    seed: int
    runs: int
    mean_per_patient: Decimal
    sd_per_patient: Decimal
    p10_per_patient: Decimal
    p50_per_patient: Decimal
    p90_per_patient: Decimal
    mean_cohort_total: Decimal
    p10_cohort_total: Decimal
    p50_cohort_total: Decimal
    p90_cohort_total: Decimal
    awards_cut_by_caps: int  # reduced or refused awards, over all runs
    evidence: tuple[str, ...]


def test_days(cohort: Cohort) -> tuple[tuple[int, date], ...]:
    """(week, date) of every scheduled test, spread evenly through each week."""
    days = []
    for week in range(cohort.weeks):
        for i in range(cohort.tests_per_week):
            offset = week * 7 + (i * 7) // cohort.tests_per_week
            days.append((week + 1, cohort.enrolled_on + timedelta(days=offset)))
    return tuple(days)


def simulate_program_cost(
    program: CmProgram,
    cohort: Cohort,
    *,
    seed: int,
    cap_profile: CapProfile | None = None,
    runs: int = 100,
) -> CostEstimate:
    """Simulate ``runs`` cohorts and summarise the cost per person and per cohort."""
    if not isinstance(program, VoucherProgram | PrizeProgram):
        raise InvalidInputError("program", "must be a VoucherProgram or a PrizeProgram")
    require_count("runs", runs, minimum=1)
    rng = random.Random(seed)
    schedule = test_days(cohort)
    per_patient: list[Decimal] = []
    totals: list[Decimal] = []
    cut = 0
    for _ in range(runs):
        run_total = Decimal("0.00")
        for _ in range(cohort.patients):
            cost, cuts = _one_patient(program, cohort, schedule, rng, cap_profile)
            per_patient.append(cost)
            run_total += cost
            cut += cuts
        totals.append(run_total)
    return CostEstimate(
        program=_program_id(program),
        cap_profile=cap_profile.id if cap_profile else None,
        seed=seed,
        runs=runs,
        mean_per_patient=_cents(statistics.mean(per_patient)),
        sd_per_patient=_cents(statistics.pstdev(per_patient)),
        p10_per_patient=_percentile(per_patient, 10),
        p50_per_patient=_percentile(per_patient, 50),
        p90_per_patient=_percentile(per_patient, 90),
        mean_cohort_total=_cents(statistics.mean(totals)),
        p10_cohort_total=_percentile(totals, 10),
        p50_cohort_total=_percentile(totals, 50),
        p90_cohort_total=_percentile(totals, 90),
        awards_cut_by_caps=cut,
        evidence=_evidence(program, cap_profile),
    )


def _one_patient(
    program: CmProgram,
    cohort: Cohort,
    schedule: Sequence[tuple[int, date]],
    rng: random.Random,
    cap_profile: CapProfile | None,
) -> tuple[Decimal, int]:
    results = [_result(cohort, rng) for _ in schedule]
    awards = _awards(program, schedule, results, rng)
    if cap_profile is None:
        return sum((a.amount for _, a in awards), Decimal("0.00")), 0
    earned: dict[date, Decimal] = {}
    total, cuts = Decimal("0.00"), 0
    for day, award in awards:
        year = cap_year(day, enrolled_on=cohort.enrolled_on, profile=cap_profile)[0]
        capped = apply_cap(award, earned.get(year, Decimal("0.00")), cap_profile)
        earned[year] = capped.earned_this_year
        total += capped.granted
        cuts += capped.outcome is not CapOutcome.GRANTED
    return total, cuts


def _result(cohort: Cohort, rng: random.Random) -> TestResult:
    roll = rng.random()
    if roll < cohort.p_negative:
        return TestResult.NEGATIVE
    if roll < cohort.p_negative + cohort.p_missed:
        return TestResult.MISSED
    return TestResult.POSITIVE


def _awards(
    program: CmProgram,
    schedule: Sequence[tuple[int, date]],
    results: Sequence[TestResult],
    rng: random.Random,
) -> list[tuple[date, Award]]:
    """Each incentive handed over, with its date; zero-value outcomes are left out."""
    awards: list[tuple[date, Award]] = []
    if isinstance(program, VoucherProgram):
        ledger = voucher_earnings(program.schedule, results)
        for (_, day), entry in zip(schedule, ledger.entries, strict=True):
            if entry.earned:
                awards.append((day, Award(entry.earned, IncentiveForm.VOUCHER)))
        return awards
    tests = [
        ScheduledTest(week, result) for (week, _), result in zip(schedule, results, strict=True)
    ]
    for (_, day), draws in zip(schedule, draws_for_tests(program.escalation, tests), strict=True):
        for tier in draw_prizes(program.composition, draws, rng, replace=program.replace):
            value = program.composition.prize_values[tier]
            if value:
                awards.append((day, Award(value, IncentiveForm.ITEM)))
    return awards


def _program_id(program: CmProgram) -> str:
    if isinstance(program, VoucherProgram):
        return program.schedule.id
    return f"{program.composition.id}+{program.escalation.id}"


def _evidence(program: CmProgram, cap_profile: CapProfile | None) -> tuple[str, ...]:
    if isinstance(program, VoucherProgram):
        ids = program.schedule.evidence
    else:
        ids = program.composition.evidence + program.escalation.evidence
    if cap_profile is not None:
        ids += cap_profile.evidence
    return tuple(dict.fromkeys(ids))


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT)


def _percentile(values: Sequence[Decimal], percent: int) -> Decimal:
    """Nearest-rank percentile: the smallest value with ``percent`` % of values at or below."""
    ordered = sorted(values)
    rank = max(1, math.ceil(percent * len(ordered) / 100))
    return _cents(ordered[rank - 1])
