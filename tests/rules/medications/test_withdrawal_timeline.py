"""Withdrawal timeline by last opioid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mooring.rules.common import InvalidInputError
from mooring.rules.withdrawal import LastOpioid, WithdrawalPhase, withdrawal_phase

LAST = datetime(2025, 3, 30, 22, 0, tzinfo=UTC)
ORDER = list(WithdrawalPhase)


@pytest.mark.parametrize(
    ("opioid", "hours", "phase"),
    [
        (LastOpioid.SHORT_ACTING, 7, "before_onset"),
        (LastOpioid.SHORT_ACTING, 8, "onset"),
        (LastOpioid.SHORT_ACTING, 36, "peak"),
        (LastOpioid.SHORT_ACTING, 72, "peak"),
        (LastOpioid.SHORT_ACTING, 73, "subsiding"),
        (LastOpioid.SHORT_ACTING, 240, "subsiding"),
        (LastOpioid.SHORT_ACTING, 241, "protracted"),
        (LastOpioid.SHORT_ACTING, 180 * 24 + 1, "beyond_protracted"),
        (LastOpioid.METHADONE, 11, "before_onset"),
        (LastOpioid.METHADONE, 48, "onset"),
        (LastOpioid.METHADONE, 80, "peak"),
        (LastOpioid.METHADONE, 20 * 24, "subsiding"),
        (LastOpioid.METHADONE, 21 * 24, "protracted"),
    ],
)
def test_phase(opioid: LastOpioid, hours: int, phase: str) -> None:
    status = withdrawal_phase(opioid, LAST, LAST + timedelta(hours=hours))
    assert status.phase is WithdrawalPhase(phase)
    assert status.hours_since_last_use == hours
    assert status.evidence


def test_windows_for_heroin() -> None:
    status = withdrawal_phase(LastOpioid.SHORT_ACTING, LAST, LAST)
    assert status.onset_window == (LAST + timedelta(hours=8), LAST + timedelta(hours=24))
    assert status.peak_window == (LAST + timedelta(hours=36), LAST + timedelta(hours=72))
    assert status.acute_end_window == (LAST + timedelta(days=4), LAST + timedelta(days=10))


@given(
    opioid=st.sampled_from([LastOpioid.SHORT_ACTING, LastOpioid.METHADONE]),
    a=st.integers(min_value=0, max_value=6000),
    b=st.integers(min_value=0, max_value=6000),
)
def test_phase_only_moves_forward(opioid: LastOpioid, a: int, b: int) -> None:
    low, high = sorted((a, b))
    first = withdrawal_phase(opioid, LAST, LAST + timedelta(hours=low)).phase
    later = withdrawal_phase(opioid, LAST, LAST + timedelta(hours=high)).phase
    assert ORDER.index(first) <= ORDER.index(later)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((LastOpioid.BUPRENORPHINE, LAST, LAST), "last_opioid"),
        ((LastOpioid.SHORT_ACTING, LAST.replace(tzinfo=None), LAST), "last_use"),
        ((LastOpioid.SHORT_ACTING, LAST, "now"), "as_of"),
        ((LastOpioid.SHORT_ACTING, LAST + timedelta(hours=1), LAST), "last_use"),
    ],
)
def test_invalid_input(args: tuple[object, ...], field: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        withdrawal_phase(*args)  # type: ignore[arg-type]
    assert error.value.field == field
