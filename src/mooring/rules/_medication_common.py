"""Small helpers shared by the medication rules: dose validation and the check result."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from mooring.rules.common import Finding, InvalidInputError, refusals


@dataclass(frozen=True, slots=True)
class OrderCheck:
    """The verdict on a proposed order: the findings, and what they add up to."""

    findings: tuple[Finding, ...]
    profile: str

    @property
    def allowed(self) -> bool:
        """True when nothing refuses the order as asked."""
        return not refusals(self.findings)

    @property
    def overridable(self) -> bool:
        """True when every refusal may be overridden by a prescriber's documented reason."""
        refused = refusals(self.findings)
        return bool(refused) and all(f.overridable for f in refused)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.findings)


def check_mg(field: str, value: object, *, allow_zero: bool = False) -> Decimal:
    """A dose in milligrams: an exact, finite, positive Decimal (or int)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise InvalidInputError(field, f"must be a Decimal number of mg, got {value!r}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise InvalidInputError(field, "must be a finite number of mg")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise InvalidInputError(
            field, "must not be negative" if allow_zero else "must be more than 0 mg"
        )
    return amount


def check_count(field: str, value: object, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(field, f"must be a whole number, got {value!r}")
    if value < minimum:
        raise InvalidInputError(field, f"must be at least {minimum}")
    return value


def check_date(field: str, value: object) -> date:
    # datetime is a date subclass; a rule that takes a date must not silently get a time.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidInputError(field, f"must be a date, got {value!r}")
    return value


def evidence_of(*groups: Iterable[str]) -> tuple[str, ...]:
    """Merge evidence ids, keeping first-seen order and dropping repeats."""
    merged: dict[str, None] = {}
    for group in groups:
        merged.update(dict.fromkeys(group))
    return tuple(merged)
