"""Types shared by the contingency management rules: test results and money checks."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from mooring.rules.common import InvalidInputError

CENT = Decimal("0.01")


class TestResult(StrEnum):
    """The outcome of one scheduled test, as contingency management sees it."""

    __test__ = False  # not a pytest test class, despite the name

    NEGATIVE = "negative"
    POSITIVE = "positive"
    MISSED = "missed"  # no specimen given: every published schedule treats it as positive


def require_money(field: str, value: object, *, allow_zero: bool = True) -> Decimal:
    """Check a money amount: a Decimal, not negative, whole cents (floats are refused)."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidInputError(field, f"must be a Decimal amount, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        raise InvalidInputError(field, f"must be {'at least' if allow_zero else 'above'} 0")
    if value != value.quantize(CENT):
        raise InvalidInputError(field, "must be in whole cents")
    return value


def require_count(field: str, value: object, *, minimum: int = 0) -> int:
    """Check a whole-number setting (bool is refused even though it is an int)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidInputError(field, f"must be a whole number of at least {minimum}")
    return value


def require_results(field: str, results: object) -> tuple[TestResult, ...]:
    if isinstance(results, str | bytes) or not hasattr(results, "__iter__"):
        raise InvalidInputError(field, "must be a sequence of test results", list(TestResult))
    checked = tuple(results)
    for item in checked:
        if not isinstance(item, TestResult):
            raise InvalidInputError(field, f"unknown test result {item!r}", list(TestResult))
    return checked
