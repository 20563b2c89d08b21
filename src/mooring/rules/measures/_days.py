"""Inclusive day spans and the coverage arithmetic the measures share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from mooring.rules.common import InvalidInputError

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True, order=True)
class DaySpan:
    """Calendar days ``first`` through ``last``, both included (how the measure specs count)."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise InvalidInputError("last", f"{self.last} is before {self.first}")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @classmethod
    def starting(cls, first: date, days: int) -> DaySpan:
        return cls(first, first + timedelta(days=days - 1))

    def clip(self, window: DaySpan) -> DaySpan | None:
        first, last = max(self.first, window.first), min(self.last, window.last)
        return DaySpan(first, last) if first <= last else None


def merge(spans: Iterable[DaySpan]) -> tuple[DaySpan, ...]:
    """Union of spans; spans that overlap or touch become one."""
    merged: list[DaySpan] = []
    for span in sorted(spans):
        if merged and span.first <= merged[-1].last + ONE_DAY:
            if span.last > merged[-1].last:
                merged[-1] = DaySpan(merged[-1].first, span.last)
        else:
            merged.append(span)
    return tuple(merged)


def gaps_within(covered: Sequence[DaySpan], window: DaySpan) -> tuple[DaySpan, ...]:
    """Runs of days in ``window`` that no span covers, in order."""
    gaps: list[DaySpan] = []
    cursor = window.first
    for span in merge(s for s in (c.clip(window) for c in covered) if s is not None):
        if span.first > cursor:
            gaps.append(DaySpan(cursor, span.first - ONE_DAY))
        cursor = span.last + ONE_DAY
    if cursor <= window.last:
        gaps.append(DaySpan(cursor, window.last))
    return tuple(gaps)
