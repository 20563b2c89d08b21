"""The result every measure returns, and input checks the measures share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from mooring.rules.common import Finding, InvalidInputError
from mooring.rules.measures._days import DaySpan


@dataclass(frozen=True, slots=True)
class MeasureResult:
    """Whether one event or episode is in the measure's denominator and numerator, and why.

    ``reason`` is a stable code (``measure.<name>.<why>``); the finding explains it in words.
    A period not yet over (``as_of`` inside it) is in neither, with reason ``..._open``.
    """

    measure: str
    profile: str
    period: DaySpan
    in_denominator: bool
    in_numerator: bool
    reason: str
    gaps: tuple[DaySpan, ...]
    findings: tuple[Finding, ...]


def require_date(field: str, value: object) -> date:
    # datetime is a date subclass; a measure counts whole days, so refuse it.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidInputError(field, f"must be a date, got {value!r}")
    return value


def require_whole(field: str, value: object, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidInputError(field, f"must be a whole number of at least {minimum}")
    return value
