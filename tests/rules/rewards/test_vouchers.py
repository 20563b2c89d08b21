from dataclasses import replace
from decimal import Decimal

import pytest

from mooring.rules.common import InvalidInputError, Severity, UnknownProfileError
from mooring.rules.evidence import REGISTRY
from mooring.rules.rewards import TestResult, voucher_earnings, voucher_maximum, voucher_schedule
from mooring.rules.rewards.vouchers import HIGGINS_1994, SILVERMAN_1996

N, P, M = TestResult.NEGATIVE, TestResult.POSITIVE, TestResult.MISSED
D = Decimal


@pytest.mark.parametrize(
    ("schedule", "maximum"),
    [(HIGGINS_1994, D("997.50")), (SILVERMAN_1996, D("1155.00"))],
)
def test_36_negatives_give_the_published_maximum(schedule, maximum):
    ledger = voucher_earnings(schedule, [N] * 36)
    assert ledger.total == maximum
    assert voucher_maximum(schedule, 36) == maximum
    assert sum(e.bonus for e in ledger.entries) == D("120.00")
    assert ledger.findings == ()


@pytest.mark.parametrize(
    ("results", "awards", "bonuses", "total"),
    [
        ([N, N, N], ["2.50", "3.75", "5.00"], ["0", "0", "10"], "21.25"),
        ([N, P, N], ["2.50", "0", "2.50"], ["0", "0", "0"], "5.00"),
        ([N, N, M, N], ["2.50", "3.75", "0", "2.50"], ["0", "0", "0", "0"], "8.75"),
        ([P, M], ["0", "0"], ["0", "0"], "0.00"),
        ([], [], [], "0.00"),
    ],
)
def test_higgins_table(results, awards, bonuses, total):
    ledger = voucher_earnings(HIGGINS_1994, results)
    assert [e.award for e in ledger.entries] == [D(a) for a in awards]
    assert [e.bonus for e in ledger.entries] == [D(b) for b in bonuses]
    assert ledger.total == D(total)
    assert ledger.evidence == HIGGINS_1994.evidence


def test_reset_keeps_earnings_and_says_so():
    ledger = voucher_earnings(HIGGINS_1994, [N, N, M])
    last = ledger.entries[-1]
    assert last.reset
    assert last.running_total == D("6.25")
    assert last.next_value == D("2.50")
    (finding,) = ledger.findings
    assert finding.code == "rewards.voucher.reset"
    assert finding.severity is Severity.INFO
    assert "missed test" in finding.message
    assert "$6.25" in finding.message
    positive = voucher_earnings(HIGGINS_1994, [P]).findings[0]
    assert "positive result" in positive.message


def test_higgins_restores_the_pre_reset_value_after_five_negatives():
    # Eight negatives reach the 9th level ($12.50 next); a positive resets to $2.50.
    ledger = voucher_earnings(HIGGINS_1994, [N] * 8 + [P] + [N] * 6)
    entries = ledger.entries
    assert entries[7].next_value == D("12.50")
    assert [e.award for e in entries[9:14]] == [
        D(v) for v in ("2.50", "3.75", "5.00", "6.25", "7.50")
    ]
    assert entries[13].restored
    assert entries[13].next_value == D("12.50")
    assert entries[14].award == D("12.50")
    assert [f.code for f in ledger.findings] == [
        "rewards.voucher.reset",
        "rewards.voucher.restored",
    ]


def test_restore_never_lowers_the_value():
    # Reset at level 2: after five negatives the run is already higher, nothing is "restored".
    ledger = voucher_earnings(HIGGINS_1994, [N, N, P] + [N] * 6)
    assert not any(e.restored for e in ledger.entries)
    assert ledger.entries[-1].award == D("8.75")


def test_second_reset_before_restore_keeps_the_higher_level():
    ledger = voucher_earnings(HIGGINS_1994, [N] * 8 + [P, N, P] + [N] * 6)
    assert ledger.entries[15].restored
    assert ledger.entries[16].award == D("12.50")


def test_silverman_has_no_restore():
    ledger = voucher_earnings(SILVERMAN_1996, [N] * 8 + [P] + [N] * 6)
    assert not any(e.restored for e in ledger.entries)
    assert ledger.entries[-1].award == D("10.00")


def test_schedule_without_bonus():
    plain = replace(HIGGINS_1994, id="PLAIN", bonus_every=0)
    assert voucher_earnings(plain, [N] * 3).total == D("11.25")


def test_lookup():
    assert voucher_schedule("HIGGINS-1994") is HIGGINS_1994
    with pytest.raises(UnknownProfileError):
        voucher_schedule("NOPE")


def test_presets_cite_registered_sources():
    for schedule in (HIGGINS_1994, SILVERMAN_1996):
        assert all(e in REGISTRY for e in schedule.evidence)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start_value": 2.5}, "start_value"),
        ({"start_value": D("0")}, "start_value"),
        ({"increment": D("-1")}, "increment"),
        ({"increment": D("0.001")}, "increment"),
        ({"bonus_amount": D("NaN")}, "bonus_amount"),
        ({"bonus_every": -1}, "bonus_every"),
        ({"bonus_every": True}, "bonus_every"),
        ({"restore_after": 0}, "restore_after"),
    ],
)
def test_bad_schedule_settings(changes, field):
    with pytest.raises(InvalidInputError) as err:
        replace(HIGGINS_1994, **changes)
    assert err.value.field == field


@pytest.mark.parametrize("results", ["negative", [N, "negative"], 5, [None]])
def test_bad_results(results):
    with pytest.raises(InvalidInputError) as err:
        voucher_earnings(HIGGINS_1994, results)
    assert err.value.field == "results"
    assert "negative" in str(err.value)


def test_bad_schedule():
    with pytest.raises(InvalidInputError) as err:
        voucher_earnings("HIGGINS-1994", [N])
    assert err.value.field == "schedule"
    with pytest.raises(InvalidInputError):
        voucher_maximum(HIGGINS_1994, -1)
