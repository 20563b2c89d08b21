"""Long-acting injection schedules: dose, window and timing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mooring.rules.common import InvalidInputError
from mooring.rules.evidence import REGISTRY
from mooring.rules.injectables import (
    INJECTABLE_SPECS,
    InjectableProduct,
    InjectionTiming,
    injection_schedule,
)

P = InjectableProduct
LAST = date(2025, 2, 3)


def days(n: int) -> date:
    return LAST + timedelta(days=n)


@pytest.mark.parametrize(
    ("product", "given", "as_of", "dose", "window", "timing"),
    [
        (P.SUBLOCADE, 1, 20, "300", (26, 28, 35), "not_yet_due"),
        (P.SUBLOCADE, 1, 26, "300", (26, 28, 35), "due"),
        (P.SUBLOCADE, 2, 28, "100", (26, 28, 35), "due"),
        (P.SUBLOCADE, 5, 36, "100", (26, 28, 35), "overdue"),
        (P.SUBLOCADE_RAPID_START, 1, 7, "300", (7, 28, 35), "due"),
        (P.SUBLOCADE_RAPID_START, 1, 6, "300", (7, 28, 35), "not_yet_due"),
        (P.SUBLOCADE_RAPID_START, 2, 7, "100", (26, 28, 35), "not_yet_due"),
        (P.BRIXADI_WEEKLY, 3, 4, None, (5, 7, 9), "not_yet_due"),
        (P.BRIXADI_WEEKLY, 3, 9, None, (5, 7, 9), "due"),
        (P.BRIXADI_WEEKLY, 3, 10, None, (5, 7, 9), "overdue"),
        (P.BRIXADI_MONTHLY, 1, 21, None, (21, 28, 35), "due"),
        (P.NALTREXONE_XR, 1, 27, "380", (28, 28, 31), "not_yet_due"),
        (P.NALTREXONE_XR, 1, 31, "380", (28, 28, 31), "due"),
        (P.NALTREXONE_XR, 1, 32, "380", (28, 28, 31), "overdue"),
    ],
)
def test_schedule(
    product: InjectableProduct,
    given: int,
    as_of: int,
    dose: str | None,
    window: tuple[int, int, int],
    timing: str,
) -> None:
    status = injection_schedule(product, LAST, given, days(as_of))
    assert status.injection_number == given + 1
    assert status.next_dose_mg == (Decimal(dose) if dose else None)
    assert (status.earliest, status.due, status.latest) == tuple(days(w) for w in window)
    assert status.status is InjectionTiming(timing)
    assert ("injectable.overdue" in [f.code for f in status.findings]) is (timing == "overdue")
    for finding in status.findings:
        assert finding.profile == f"LABEL:{product.value}"
        assert all(e in REGISTRY for e in finding.evidence)


@pytest.mark.parametrize("product", list(P))
def test_first_injection_is_due_with_its_requirement(product: InjectableProduct) -> None:
    status = injection_schedule(product, None, 0, LAST)
    assert status.status is InjectionTiming.DUE
    assert status.injection_number == 1
    assert status.earliest is None
    assert status.findings[0].code == "injectable.first_injection_requirement"
    spec = INJECTABLE_SPECS[product]
    assert ("injectable.offer_naloxone" in [f.code for f in status.findings]) is spec.offer_naloxone


def test_sublocade_first_dose_and_naltrexone_overdue_message() -> None:
    assert injection_schedule(P.SUBLOCADE, None, 0, LAST).next_dose_mg == Decimal("300")
    status = injection_schedule(P.NALTREXONE_XR, LAST, 4, days(40))
    assert "opioid-free" in status.findings[0].message


@given(
    product=st.sampled_from(list(P)),
    given_count=st.integers(min_value=1, max_value=30),
    offset=st.integers(min_value=0, max_value=90),
)
def test_window_never_opens_before_the_minimum_interval(
    product: InjectableProduct, given_count: int, offset: int
) -> None:
    status = injection_schedule(product, LAST, given_count, days(offset))
    spec = INJECTABLE_SPECS[product]
    minimum = min(i.earliest_days for i in spec.intervals)
    assert status.earliest is not None
    assert status.due is not None
    assert status.latest is not None
    assert status.earliest >= days(minimum)
    assert status.earliest <= status.due <= status.latest
    if product is P.SUBLOCADE or (product is P.SUBLOCADE_RAPID_START and given_count > 1):
        assert status.earliest >= days(26)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("patch", LAST, 1, LAST), "product"),
        ((P.SUBLOCADE, LAST, 0, LAST), "last_injection_date"),
        ((P.SUBLOCADE, None, 1, LAST), "last_injection_date"),
        ((P.SUBLOCADE, days(1), 1, LAST), "last_injection_date"),
        ((P.SUBLOCADE, LAST, -1, LAST), "injections_given"),
        ((P.SUBLOCADE, LAST, 1, "2025-01-01"), "as_of"),
        ((P.SUBLOCADE, "2025-01-01", 1, LAST), "last_injection_date"),
    ],
)
def test_invalid_input(args: tuple[object, ...], field: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        injection_schedule(*args)  # type: ignore[arg-type]
    assert error.value.field == field
