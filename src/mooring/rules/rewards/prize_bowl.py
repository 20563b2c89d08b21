"""Prize-based ("fishbowl") contingency management (Petry).

A negative result earns draws from a bowl of slips; most slips carry a prize of some size,
the rest a message of encouragement. Draws rise with each week of negative results and fall
back to the first level after a positive or missed result. Draws use a random source the
caller passes in (``random.Random(seed)``), so the same seed always gives the same prizes.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

from mooring.rules.common import InvalidInputError, UnknownProfileError
from mooring.rules.evidence import Grade, cite
from mooring.rules.rewards._common import CENT, TestResult, require_count, require_money


class PrizeTier(StrEnum):
    GOOD_JOB = "good_job"  # a message of encouragement, no prize
    SMALL = "small"
    LARGE = "large"
    JUMBO = "jumbo"


@dataclass(frozen=True, slots=True)
class BowlComposition:
    """How many slips of each tier the bowl holds and what each tier's prize is worth."""

    id: str
    title: str
    slips: Mapping[PrizeTier, int]
    prize_values: Mapping[PrizeTier, Decimal]
    evidence: tuple[str, ...]
    numbers_grade: Grade
    notes: str = ""

    def __post_init__(self) -> None:
        if set(self.slips) != set(PrizeTier) or set(self.prize_values) != set(PrizeTier):
            raise InvalidInputError(
                "slips", "need a count and a value for every tier", list(PrizeTier)
            )
        for tier in PrizeTier:
            require_count(f"slips[{tier}]", self.slips[tier])
            require_money(f"prize_values[{tier}]", self.prize_values[tier])
        if self.total_slips == 0:
            raise InvalidInputError("slips", "the bowl must hold at least one slip")
        cite(*self.evidence)

    @property
    def total_slips(self) -> int:
        return sum(self.slips.values())


@dataclass(frozen=True, slots=True)
class DrawEscalation:
    """How many draws a negative result earns as the weeks of negative results add up."""

    id: str
    first_draws: int  # draws for a negative result in the first week of a run
    added_per_week: int  # extra draws for each further consecutive week of negative results
    max_draws: int | None  # None: the reference gives no number for the cap
    evidence: tuple[str, ...]
    numbers_grade: Grade
    notes: str = ""

    def __post_init__(self) -> None:
        require_count("first_draws", self.first_draws, minimum=1)
        require_count("added_per_week", self.added_per_week)
        if self.max_draws is not None:
            require_count("max_draws", self.max_draws, minimum=self.first_draws)
        cite(*self.evidence)


@dataclass(frozen=True, slots=True)
class ScheduledTest:
    """One test, with the programme week it falls in (weeks start at 1 and never go back)."""

    week: int
    result: TestResult


@dataclass(frozen=True, slots=True)
class PrizeEntry:
    test_number: int
    week: int
    result: TestResult
    draws: int
    prizes: tuple[PrizeTier, ...]  # what was drawn; empty for positive or missed results
    value: Decimal
    running_total: Decimal


@dataclass(frozen=True, slots=True)
class PrizeLedger:
    composition: str
    escalation: str
    entries: tuple[PrizeEntry, ...]
    total: Decimal
    draws: int
    evidence: tuple[str, ...]


CTN_500 = BowlComposition(
    id="CTN-500",
    title="Standard 500-slip bowl (Petry 2005 CTN; Peirce 2006)",
    slips=MappingProxyType(
        {PrizeTier.GOOD_JOB: 250, PrizeTier.SMALL: 209, PrizeTier.LARGE: 40, PrizeTier.JUMBO: 1}
    ),
    prize_values=MappingProxyType(
        {
            PrizeTier.GOOD_JOB: Decimal("0.00"),
            PrizeTier.SMALL: Decimal("1.00"),
            PrizeTier.LARGE: Decimal("20.00"),
            PrizeTier.JUMBO: Decimal("100.00"),
        }
    ),
    evidence=cite("S-PETRY2005-CTN", "S-ACF-PRIZECM", "S-PETRY2004-PMC"),
    numbers_grade=Grade.UNVERIFIED,
    notes="Half prizes, half messages and the $1 to $100 range are seen in the federal "
    "description; the exact counts and values are recalled, not seen. Expected value per draw "
    "$2.218.",
)

CTN_WEEKLY = DrawEscalation(
    id="CTN-WEEKLY",
    first_draws=1,
    added_per_week=1,
    max_draws=None,
    evidence=cite("S-PETRY2005-CTN", "S-ACF-PRIZECM"),
    numbers_grade=Grade.UNVERIFIED,
    notes="One draw at first, one more per consecutive week of negative results, back to one "
    "after a positive or missed result. The trials capped the draws but the reference gives no "
    "number, so this preset has no cap: set max_draws for your programme. Bonus draws for "
    "results negative for every substance are not modelled.",
)

BOWL_COMPOSITIONS: Mapping[str, BowlComposition] = MappingProxyType({CTN_500.id: CTN_500})
DRAW_ESCALATIONS: Mapping[str, DrawEscalation] = MappingProxyType({CTN_WEEKLY.id: CTN_WEEKLY})


def bowl_composition(composition_id: str) -> BowlComposition:
    try:
        return BOWL_COMPOSITIONS[composition_id]
    except KeyError:
        raise UnknownProfileError(f"unknown prize bowl {composition_id!r}") from None


def draw_escalation(escalation_id: str) -> DrawEscalation:
    try:
        return DRAW_ESCALATIONS[escalation_id]
    except KeyError:
        raise UnknownProfileError(f"unknown draw escalation {escalation_id!r}") from None


def expected_value_per_draw(composition: BowlComposition) -> Fraction:
    """The exact mean prize value of one draw (in dollars), from the slip counts."""
    worth = sum(
        (Fraction(composition.prize_values[t]) * n for t, n in composition.slips.items()),
        Fraction(0),
    )
    return worth / Fraction(composition.total_slips)


def expected_value(composition: BowlComposition, draws: int) -> Fraction:
    """Exact expected prize value of ``draws`` draws (the same with or without replacement)."""
    return expected_value_per_draw(composition) * Fraction(require_count("draws", draws))


def to_cents(amount: Fraction) -> Decimal:
    """Round an exact amount to cents for display (half up)."""
    return (Decimal(amount.numerator) / Decimal(amount.denominator)).quantize(CENT, "ROUND_HALF_UP")


def draws_for_tests(escalation: DrawEscalation, tests: Sequence[ScheduledTest]) -> tuple[int, ...]:
    """Draws each test earns: 0 for a positive or missed result, else by weeks in the run."""
    checked = _checked_tests(tests)
    draws: list[int] = []
    run_start_week: int | None = None
    for test in checked:
        if test.result is not TestResult.NEGATIVE:
            run_start_week = None
            draws.append(0)
            continue
        if run_start_week is None:
            run_start_week = test.week
        earned = escalation.first_draws + escalation.added_per_week * (test.week - run_start_week)
        if escalation.max_draws is not None:
            earned = min(earned, escalation.max_draws)
        draws.append(earned)
    return tuple(draws)


def _checked_tests(tests: Sequence[ScheduledTest]) -> tuple[ScheduledTest, ...]:
    checked = tuple(tests)
    week = 1
    for test in checked:
        if not isinstance(test, ScheduledTest) or not isinstance(test.result, TestResult):
            raise InvalidInputError(
                "tests", "each must be a ScheduledTest with a test result", list(TestResult)
            )
        require_count("tests.week", test.week, minimum=week)
        week = test.week
    return checked


def draw_prizes(
    composition: BowlComposition, draws: int, rng: random.Random, *, replace: bool = True
) -> tuple[PrizeTier, ...]:
    """Draw slips; without replacement, slips drawn in this sitting stay out until it ends."""
    require_count("draws", draws)
    if not isinstance(rng, random.Random):
        raise InvalidInputError("rng", "must be a random.Random seeded by the caller")
    total = composition.total_slips
    if replace:
        picks = [rng.randrange(total) for _ in range(draws)]
    elif draws > total:
        raise InvalidInputError(
            "draws", f"cannot draw {draws} slips from a bowl of {total} without replacement"
        )
    else:
        picks = rng.sample(range(total), draws)
    return tuple(_tier_of_slip(composition, pick) for pick in picks)


def _tier_of_slip(composition: BowlComposition, slip: int) -> PrizeTier:
    for tier in PrizeTier:
        if slip < composition.slips[tier]:
            return tier
        slip -= composition.slips[tier]
    raise AssertionError("slip number beyond the bowl")  # pragma: no cover - randrange bound


def prize_value(composition: BowlComposition, prizes: Sequence[PrizeTier]) -> Decimal:
    return sum((composition.prize_values[p] for p in prizes), Decimal("0.00"))


def prize_earnings(
    composition: BowlComposition,
    escalation: DrawEscalation,
    tests: Sequence[ScheduledTest],
    rng: random.Random,
    *,
    replace: bool = True,
) -> PrizeLedger:
    """Walk the tests, draw for each negative result, and record the prizes and totals."""
    checked = _checked_tests(tests)
    entries: list[PrizeEntry] = []
    total = Decimal("0.00")
    for number, (test, draws) in enumerate(
        zip(checked, draws_for_tests(escalation, checked), strict=True), start=1
    ):
        prizes = draw_prizes(composition, draws, rng, replace=replace)
        value = prize_value(composition, prizes)
        total += value
        entries.append(PrizeEntry(number, test.week, test.result, draws, prizes, value, total))
    return PrizeLedger(
        composition.id,
        escalation.id,
        tuple(entries),
        total,
        sum(e.draws for e in entries),
        tuple(dict.fromkeys(composition.evidence + escalation.evidence)),
    )
