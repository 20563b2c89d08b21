"""Contingency management: escalating vouchers, prize bowl, incentive caps and cost estimates.

See ``docs/rules/cm-*.md``. Money is always :class:`decimal.Decimal` in whole cents.
"""

from mooring.rules.rewards._common import TestResult
from mooring.rules.rewards.caps import (
    Award,
    CapOutcome,
    CappedAward,
    CapProfile,
    IncentiveForm,
    YearWindow,
    apply_cap,
    cap_profile,
    cap_year,
    earned_in_cap_year,
)
from mooring.rules.rewards.prize_bowl import (
    BowlComposition,
    DrawEscalation,
    PrizeLedger,
    PrizeTier,
    ScheduledTest,
    bowl_composition,
    draw_escalation,
    draw_prizes,
    draws_for_tests,
    expected_value,
    expected_value_per_draw,
    prize_earnings,
)
from mooring.rules.rewards.simulation import (
    Cohort,
    CostEstimate,
    PrizeProgram,
    VoucherProgram,
    simulate_program_cost,
)
from mooring.rules.rewards.vouchers import (
    VoucherLedger,
    VoucherSchedule,
    voucher_earnings,
    voucher_maximum,
    voucher_schedule,
)

__all__ = [
    "Award",
    "BowlComposition",
    "CapOutcome",
    "CapProfile",
    "CappedAward",
    "Cohort",
    "CostEstimate",
    "DrawEscalation",
    "IncentiveForm",
    "PrizeLedger",
    "PrizeProgram",
    "PrizeTier",
    "ScheduledTest",
    "TestResult",
    "VoucherLedger",
    "VoucherProgram",
    "VoucherSchedule",
    "YearWindow",
    "apply_cap",
    "bowl_composition",
    "cap_profile",
    "cap_year",
    "draw_escalation",
    "draw_prizes",
    "draws_for_tests",
    "earned_in_cap_year",
    "expected_value",
    "expected_value_per_draw",
    "prize_earnings",
    "simulate_program_cost",
    "voucher_earnings",
    "voucher_maximum",
    "voucher_schedule",
]
