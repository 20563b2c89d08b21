"""Incentive caps: how much a person may receive per incentive and per year, and in what form.

A cap profile holds the limits of one funding or compliance regime. :func:`apply_cap` grants
an award in full, reduces it to what the caps still allow, or refuses it, and says why in a
:class:`Finding` that cites the source of the limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from mooring.rules.common import Finding, InvalidInputError, Severity, UnknownProfileError
from mooring.rules.evidence import Grade, cite
from mooring.rules.rewards._common import require_money


class IncentiveForm(StrEnum):
    ITEM = "item"
    VOUCHER = "voucher"  # exchanged by staff for approved goods or services
    GIFT_CARD = "gift_card"
    CASH_EQUIVALENT = "cash_equivalent"  # e.g. a general-purpose prepaid card
    CASH = "cash"


class YearWindow(StrEnum):
    CALENDAR = "calendar"  # 1 January to 31 December
    ENROLMENT_YEAR = "enrolment_year"  # rolling 12 months from the enrolment date


class CapOutcome(StrEnum):
    GRANTED = "granted"
    REDUCED = "reduced"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class CapProfile:
    id: str
    title: str
    per_year: Decimal | None  # None: no yearly limit
    per_item: Decimal | None  # None: no limit on one incentive
    forbidden_forms: frozenset[IncentiveForm]
    year_window: YearWindow
    evidence: tuple[str, ...]
    numbers_grade: Grade
    notes: str = ""

    def __post_init__(self) -> None:
        for name in ("per_year", "per_item"):
            limit = getattr(self, name)
            if limit is not None:
                require_money(name, limit)
        if not isinstance(self.year_window, YearWindow):
            raise InvalidInputError("year_window", "unknown year window", list(YearWindow))
        cite(*self.evidence)


@dataclass(frozen=True, slots=True)
class Award:
    amount: Decimal
    form: IncentiveForm = IncentiveForm.VOUCHER


@dataclass(frozen=True, slots=True)
class CappedAward:
    requested: Decimal
    granted: Decimal
    outcome: CapOutcome
    earned_this_year: Decimal  # including what is granted now
    remaining_this_year: Decimal | None  # None: the profile has no yearly limit
    findings: tuple[Finding, ...]
    profile: str
    evidence: tuple[str, ...]  # the sources of the profile's limits, cut or not


SAMHSA_2025 = CapProfile(
    id="SAMHSA-2025",
    title="SAMHSA grant contingency management guidance (2025)",
    per_year=Decimal("750.00"),
    per_item=None,
    forbidden_forms=frozenset({IncentiveForm.CASH}),
    year_window=YearWindow.CALENDAR,
    evidence=cite("S-RURALSUD-2025", "S-APF-750", "S-AMERICANFOCUS-750"),
    numbers_grade=Grade.SECONDARY,
    notes="$750 per person per year, no limit per incentive, no cash. The guidance as quoted "
    "does not define the year; calendar year is Mooring's default.",
)

OIG_NOMINAL_2016 = CapProfile(
    id="OIG-NOMINAL-2016",
    title="HHS OIG nominal value policy statement (7 Dec 2016)",
    per_year=Decimal("75.00"),
    per_item=Decimal("15.00"),
    forbidden_forms=frozenset({IncentiveForm.CASH, IncentiveForm.CASH_EQUIVALENT}),
    year_window=YearWindow.CALENDAR,
    evidence=cite("S-OIG-2016-HLD", "S-OIG-2016-PULSE", "S-OIG-2016-HALL"),
    numbers_grade=Grade.SECONDARY,
    notes="Items only, $15 each and $75 per person per year in aggregate. Whether a "
    "store gift card counts as a cash equivalent is not settled in the reference.",
)

CAP_PROFILES: Mapping[str, CapProfile] = MappingProxyType(
    {p.id: p for p in (SAMHSA_2025, OIG_NOMINAL_2016)}
)


def cap_profile(profile_id: str) -> CapProfile:
    try:
        return CAP_PROFILES[profile_id]
    except KeyError:
        raise UnknownProfileError(f"unknown incentive cap profile {profile_id!r}") from None


def apply_cap(award: Award, earned_this_year: Decimal, cap_profile: CapProfile) -> CappedAward:
    """Grant, reduce or refuse ``award`` given what the person already received this year."""
    if not isinstance(award, Award) or not isinstance(award.form, IncentiveForm):
        raise InvalidInputError("award", "must be an Award with a known form", list(IncentiveForm))
    if not isinstance(cap_profile, CapProfile):
        raise InvalidInputError("cap_profile", "must be a CapProfile", list(CAP_PROFILES))
    requested = require_money("award.amount", award.amount)
    earned = require_money("earned_this_year", earned_this_year)
    if award.form in cap_profile.forbidden_forms:
        return _result(
            cap_profile, requested, Decimal("0.00"), earned, _form_refusal(cap_profile, award)
        )
    granted, findings = requested, []
    if cap_profile.per_item is not None and granted > cap_profile.per_item:
        granted = cap_profile.per_item
        findings.append(_per_item_finding(cap_profile, requested))
    remaining = _remaining(cap_profile, earned)
    if remaining is not None and granted > remaining:
        granted = remaining
        findings.append(_per_year_finding(cap_profile, earned, granted))
    return _result(cap_profile, requested, granted, earned, findings)


def _remaining(profile: CapProfile, earned: Decimal) -> Decimal | None:
    if profile.per_year is None:
        return None
    return max(profile.per_year - earned, Decimal("0.00"))


def _result(
    profile: CapProfile,
    requested: Decimal,
    granted: Decimal,
    earned: Decimal,
    findings: Iterable[Finding],
) -> CappedAward:
    if granted == requested:
        outcome = CapOutcome.GRANTED
    elif granted == 0:
        outcome = CapOutcome.REFUSED
    else:
        outcome = CapOutcome.REDUCED
    total = earned + granted
    remaining = _remaining(profile, total)
    return CappedAward(
        requested, granted, outcome, total, remaining, tuple(findings), profile.id, profile.evidence
    )


def _form_refusal(profile: CapProfile, award: Award) -> list[Finding]:
    return [
        Finding(
            code="rewards.cap.form_not_allowed",
            severity=Severity.REFUSAL,
            message=f"Incentives in the form '{award.form}' are not allowed under {profile.title}; "
            "offer an item or voucher instead.",
            evidence=profile.evidence,
            profile=profile.id,
        )
    ]


def _per_item_finding(profile: CapProfile, requested: Decimal) -> Finding:
    return Finding(
        code="rewards.cap.per_item",
        severity=Severity.CAUTION,
        message=f"An incentive of ${requested} is above the ${profile.per_item} limit for one "
        f"incentive under {profile.title}; it is reduced to ${profile.per_item}.",
        evidence=profile.evidence,
        profile=profile.id,
    )


def _per_year_finding(profile: CapProfile, earned: Decimal, granted: Decimal) -> Finding:
    refused = granted == 0
    return Finding(
        code="rewards.cap.per_year_reached" if refused else "rewards.cap.per_year",
        severity=Severity.REFUSAL if refused else Severity.CAUTION,
        message=f"This person has received ${earned} of the ${profile.per_year} yearly limit "
        f"under {profile.title}; "
        + ("nothing more can be given this year." if refused else f"only ${granted} remains."),
        evidence=profile.evidence,
        profile=profile.id,
    )


def cap_year(on: date, *, enrolled_on: date, profile: CapProfile) -> tuple[date, date]:
    """The cap year that holds ``on``, as a half-open period ``[start, end)``."""
    if on < enrolled_on:
        raise InvalidInputError("on", f"is before the enrolment date {enrolled_on.isoformat()}")
    if profile.year_window is YearWindow.CALENDAR:
        return date(on.year, 1, 1), date(on.year + 1, 1, 1)
    years = on.year - enrolled_on.year
    if _add_years(enrolled_on, years) > on:
        years -= 1
    return _add_years(enrolled_on, years), _add_years(enrolled_on, years + 1)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one: the year ends on 28 February
        return day.replace(year=day.year + years, day=28)


def earned_in_cap_year(
    received: Iterable[tuple[date, Decimal]], *, on: date, enrolled_on: date, profile: CapProfile
) -> Decimal:
    """Sum what was received (date, amount) in the cap year that holds ``on``."""
    start, end = cap_year(on, enrolled_on=enrolled_on, profile=profile)
    total = Decimal("0.00")
    for when, amount in received:
        if start <= when < end:
            total += require_money("received.amount", amount)
    return total
