"""Escalating voucher contingency management (Higgins 1994, Silverman 1996).

Each negative result earns a voucher worth more than the last one in the run; every
``bonus_every`` consecutive negatives add a bonus. A positive or missed result earns nothing
and resets the value to the start, but never takes back what was earned. In the Higgins
schedule a run of ``restore_after`` negatives after a reset brings back the value the person
had reached before it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from mooring.rules.common import Finding, InvalidInputError, Severity, UnknownProfileError
from mooring.rules.evidence import Grade, cite
from mooring.rules.rewards._common import TestResult, require_count, require_money, require_results


@dataclass(frozen=True, slots=True)
class VoucherSchedule:
    """A named escalating voucher schedule; every number in it is a preset setting."""

    id: str
    title: str
    start_value: Decimal
    increment: Decimal
    bonus_every: int  # consecutive negatives per bonus; 0 means no bonus
    bonus_amount: Decimal
    # Consecutive negatives after a reset that bring back the pre-reset value; None = never.
    restore_after: int | None
    evidence: tuple[str, ...]
    # How well the schedule's numbers (not the paper) were checked in the reference.
    numbers_grade: Grade
    notes: str = ""

    def __post_init__(self) -> None:
        require_money("start_value", self.start_value, allow_zero=False)
        require_money("increment", self.increment)
        require_count("bonus_every", self.bonus_every)
        require_money("bonus_amount", self.bonus_amount)
        if self.restore_after is not None:
            require_count("restore_after", self.restore_after, minimum=1)
        cite(*self.evidence)

    def value_at(self, step: int) -> Decimal:
        """Voucher value of the negative at ``step`` (0 = first of a run)."""
        return self.start_value + self.increment * step


@dataclass(frozen=True, slots=True)
class VoucherEntry:
    """What one test earned, and where the schedule stands after it."""

    test_number: int  # 1-based position in the results
    result: TestResult
    award: Decimal  # the voucher itself (0 unless negative)
    bonus: Decimal
    running_total: Decimal
    consecutive_negatives: int
    next_value: Decimal  # what the next negative result would earn
    reset: bool = False
    restored: bool = False

    @property
    def earned(self) -> Decimal:
        return self.award + self.bonus


@dataclass(frozen=True, slots=True)
class VoucherLedger:
    schedule: str
    entries: tuple[VoucherEntry, ...]
    total: Decimal
    findings: tuple[Finding, ...]
    evidence: tuple[str, ...] = field(default=())


_HIGGINS_EVIDENCE = cite("S-HIGGINS1994-JAMA", "S-NIDA-CRA-MANUAL")
_SILVERMAN_EVIDENCE = cite("S-SILVERMAN1996-PUBMED", "S-SILVERMAN1999-JHU")

HIGGINS_1994 = VoucherSchedule(
    id="HIGGINS-1994",
    title="Vermont CRA plus vouchers (Higgins et al. 1994)",
    start_value=Decimal("2.50"),
    increment=Decimal("1.25"),
    bonus_every=3,
    bonus_amount=Decimal("10.00"),
    restore_after=5,
    evidence=_HIGGINS_EVIDENCE,
    numbers_grade=Grade.UNVERIFIED,
    notes="Rules (reset, restore after 5, no loss) seen in the NIDA manual; the dollar values "
    "are the widely reproduced Vermont schedule, not seen in its exhibit 5. Maximum over 36 "
    "tests $997.50.",
)

SILVERMAN_1996 = VoucherSchedule(
    id="SILVERMAN-1996",
    title="Voucher reinforcement in methadone maintenance (Silverman et al. 1996)",
    start_value=Decimal("2.50"),
    increment=Decimal("1.50"),
    bonus_every=3,
    bonus_amount=Decimal("10.00"),
    restore_after=None,
    evidence=_SILVERMAN_EVIDENCE,
    numbers_grade=Grade.UNVERIFIED,
    notes="Step values unverified; the $1,155 maximum over 36 tests is confirmed by Silverman "
    "1999. No restore rule is reported for this schedule.",
)

VOUCHER_SCHEDULES: Mapping[str, VoucherSchedule] = MappingProxyType(
    {s.id: s for s in (HIGGINS_1994, SILVERMAN_1996)}
)


def voucher_schedule(schedule_id: str) -> VoucherSchedule:
    try:
        return VOUCHER_SCHEDULES[schedule_id]
    except KeyError:
        raise UnknownProfileError(f"unknown voucher schedule {schedule_id!r}") from None


@dataclass(slots=True)
class _Walk:
    """Mutable position in the schedule while the ledger is built (never returned)."""

    step: int = 0  # value level of the next negative
    run: int = 0  # consecutive negatives since the last reset
    saved_step: int | None = None  # level held before the last reset, awaiting restore
    total: Decimal = Decimal("0.00")


def voucher_earnings(schedule: VoucherSchedule, results: Sequence[TestResult]) -> VoucherLedger:
    """Walk the results in order and return what each test earned under ``schedule``."""
    if not isinstance(schedule, VoucherSchedule):
        raise InvalidInputError("schedule", "must be a VoucherSchedule", list(VOUCHER_SCHEDULES))
    checked = require_results("results", results)
    walk = _Walk()
    entries: list[VoucherEntry] = []
    findings: list[Finding] = []
    for number, result in enumerate(checked, start=1):
        if result is TestResult.NEGATIVE:
            entry = _negative(schedule, walk, number)
            if entry.restored:
                findings.append(_restored_finding(schedule, entry))
        else:
            entry = _reset(schedule, walk, number, result)
            findings.append(_reset_finding(schedule, entry))
        entries.append(entry)
    return VoucherLedger(
        schedule.id, tuple(entries), walk.total, tuple(findings), schedule.evidence
    )


def _negative(schedule: VoucherSchedule, walk: _Walk, number: int) -> VoucherEntry:
    award = schedule.value_at(walk.step)
    walk.step += 1
    walk.run += 1
    bonus = Decimal("0.00")
    if schedule.bonus_every and walk.run % schedule.bonus_every == 0:
        bonus = schedule.bonus_amount
    restored = False
    if walk.saved_step is not None and walk.run == schedule.restore_after:
        # Back to where the person was before the reset, when that is above the current run.
        restored = walk.saved_step > walk.step
        walk.step = max(walk.step, walk.saved_step)
        walk.saved_step = None
    walk.total += award + bonus
    return VoucherEntry(
        number,
        TestResult.NEGATIVE,
        award,
        bonus,
        walk.total,
        walk.run,
        schedule.value_at(walk.step),
        restored=restored,
    )


def _reset(schedule: VoucherSchedule, walk: _Walk, number: int, result: TestResult) -> VoucherEntry:
    if schedule.restore_after is not None:
        # A second reset before the restore keeps the higher level reached earlier.
        walk.saved_step = max(walk.step, walk.saved_step or 0)
    walk.step = 0
    walk.run = 0
    zero = Decimal("0.00")
    return VoucherEntry(number, result, zero, zero, walk.total, 0, schedule.start_value, reset=True)


def _reset_finding(schedule: VoucherSchedule, entry: VoucherEntry) -> Finding:
    cause = "a missed test" if entry.result is TestResult.MISSED else "a positive result"
    return Finding(
        code="rewards.voucher.reset",
        severity=Severity.INFO,
        message=f"Test {entry.test_number}: {cause} reset the voucher value to "
        f"${schedule.start_value}; the ${entry.running_total} already earned is kept.",
        evidence=schedule.evidence,
        profile=schedule.id,
    )


def _restored_finding(schedule: VoucherSchedule, entry: VoucherEntry) -> Finding:
    return Finding(
        code="rewards.voucher.restored",
        severity=Severity.INFO,
        message=f"Test {entry.test_number}: {schedule.restore_after} negative results in a row "
        f"after a reset restore the earlier value; the next negative result earns "
        f"${entry.next_value}.",
        evidence=schedule.evidence,
        profile=schedule.id,
    )


def voucher_maximum(schedule: VoucherSchedule, tests: int) -> Decimal:
    """The most a person can earn over ``tests`` tests: every result negative."""
    require_count("tests", tests)
    return voucher_earnings(schedule, [TestResult.NEGATIVE] * tests).total
