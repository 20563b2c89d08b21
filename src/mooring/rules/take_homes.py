"""Take-home (unsupervised) methadone doses: how many days, and which dates get a bottle.

``take_home_eligibility`` reads the profile's schedule (days in treatment → largest supply)
and the criteria the practitioner has judged met; any unmet criterion means no regular
take-home supply. ``plan_take_home_days`` turns a decision into dates: the regular supply runs
on consecutive days after today's visit, a day the clinic is closed gets its own bottle where
the profile allows one whatever the phase, and the plan ends at the next day the clinic is
open. Both are deterministic: the caller passes the dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from mooring.rules._medication_common import check_count, check_date
from mooring.rules.common import Finding, InvalidInputError, Severity
from mooring.rules.profile_settings import TakeHomeCriterion, TakeHomeTier
from mooring.rules.profiles import ProtocolProfile

__all__ = [
    "TakeHomeCriteriaAssessment",
    "TakeHomeCriterion",
    "TakeHomeDecision",
    "TakeHomePlan",
    "plan_take_home_days",
    "take_home_eligibility",
]

WEEKDAYS = range(7)  # date.weekday(): Monday 0 ... Sunday 6
# A plan that finds no open day within this many days has impossible clinic dates.
PLANNING_HORIZON_DAYS = 366


@dataclass(frozen=True, slots=True)
class TakeHomeCriteriaAssessment:
    """The criteria the practitioner has judged met (and documented) for this patient."""

    met: frozenset[TakeHomeCriterion]


@dataclass(frozen=True, slots=True)
class TakeHomeDecision:
    as_of: date
    profile: str
    days_in_treatment: int  # admission date = day 0
    tier: TakeHomeTier
    max_days: int  # regular supply allowed now: the tier's cap, or 0 with unmet criteria
    max_doses_per_week: int | None
    closed_day_allowed: bool
    unmet_criteria: tuple[TakeHomeCriterion, ...]
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class TakeHomePlan:
    take_home_dates: tuple[date, ...]  # every date that gets a bottle, ascending
    closed_day_dates: tuple[date, ...]  # those given under the closed-day allowance
    uncovered_dates: tuple[date, ...]  # closed days with no dose allowed: prescriber to act
    next_visit: date
    findings: tuple[Finding, ...]
    profile: str


def take_home_eligibility(
    *,
    admission_date: date,
    as_of: date,
    criteria: TakeHomeCriteriaAssessment,
    profile: ProtocolProfile,
) -> TakeHomeDecision:
    check_date("admission_date", admission_date)
    check_date("as_of", as_of)
    if as_of < admission_date:
        raise InvalidInputError("as_of", f"must not be before admission_date ({admission_date})")
    _check_criteria(criteria)
    schedule = profile.take_homes
    days = (as_of - admission_date).days
    tier = [t for t in schedule.tiers if t.from_day <= days][-1]
    unmet = tuple(c for c in schedule.criteria.value if c not in criteria.met)
    max_days = 0 if unmet else tier.max_supply_days
    closed_day = schedule.closed_day_take_home
    findings = [_phase_finding(days, tier, profile)]
    if unmet:
        findings.append(_unmet_finding(unmet, profile))
    if tier.max_doses_per_week is not None:
        findings.append(
            Finding(
                "take_homes.weekly_limit",
                Severity.INFO,
                f"At most {tier.max_doses_per_week} take-home dose(s) a week in this phase, "
                "besides any closed-day dose.",
                tier.evidence,
                profile.ref,
            )
        )
    if closed_day.value:
        findings.append(
            Finding(
                "take_homes.closed_day_allowed",
                Severity.INFO,
                "One take-home dose is allowed for each day the clinic is closed.",
                closed_day.evidence,
                profile.ref,
            )
        )
    return TakeHomeDecision(
        as_of=as_of,
        profile=profile.ref,
        days_in_treatment=days,
        tier=tier,
        max_days=max_days,
        max_doses_per_week=tier.max_doses_per_week,
        closed_day_allowed=closed_day.value,
        unmet_criteria=unmet,
        findings=tuple(findings),
    )


def plan_take_home_days(
    *,
    as_of: date,
    eligibility: TakeHomeDecision,
    clinic_closed_dates: frozenset[date],
    requested_days: int,
    open_weekdays: frozenset[int],
) -> TakeHomePlan:
    """Dates after today's visit that get a bottle, and the next visit the patient must make."""
    check_date("as_of", as_of)
    if as_of != eligibility.as_of:
        raise InvalidInputError("eligibility", f"was decided for {eligibility.as_of}, not {as_of}")
    requested = check_count("requested_days", requested_days)
    _check_open_weekdays(open_weekdays)
    granted = min(requested, eligibility.max_days)
    findings: list[Finding] = []
    if requested > granted:
        findings.append(_reduced_finding(requested, granted, eligibility))
    regular_left = granted
    bottles: list[date] = []
    closed_bottles: list[date] = []
    uncovered: list[date] = []
    day = as_of
    for _ in range(PLANNING_HORIZON_DAYS):
        day += timedelta(days=1)
        closed = day in clinic_closed_dates or day.weekday() not in open_weekdays
        if closed and eligibility.closed_day_allowed:
            closed_bottles.append(day)
            bottles.append(day)
        elif regular_left > 0:
            regular_left -= 1
            bottles.append(day)
        elif closed:
            uncovered.append(day)
        else:
            break
    else:
        raise InvalidInputError(
            "clinic_closed_dates", f"no open clinic day within {PLANNING_HORIZON_DAYS} days"
        )
    if uncovered:
        findings.append(_uncovered_finding(uncovered, eligibility))
    return TakeHomePlan(
        take_home_dates=tuple(bottles),
        closed_day_dates=tuple(closed_bottles),
        uncovered_dates=tuple(uncovered),
        next_visit=day,
        findings=tuple(findings),
        profile=eligibility.profile,
    )


def _check_criteria(criteria: TakeHomeCriteriaAssessment) -> None:
    for criterion in criteria.met:
        if not isinstance(criterion, TakeHomeCriterion):
            raise InvalidInputError(
                "criteria.met", f"unknown criterion {criterion!r}", list(TakeHomeCriterion)
            )


def _check_open_weekdays(open_weekdays: frozenset[int]) -> None:
    if not open_weekdays:
        raise InvalidInputError("open_weekdays", "the clinic must open on some weekday", WEEKDAYS)
    for weekday in open_weekdays:
        if isinstance(weekday, bool) or weekday not in WEEKDAYS:
            raise InvalidInputError("open_weekdays", f"{weekday!r} is not a weekday", WEEKDAYS)


def _phase_finding(days: int, tier: TakeHomeTier, profile: ProtocolProfile) -> Finding:
    return Finding(
        "take_homes.phase_limit",
        Severity.INFO,
        f"Day {days} of treatment: up to a {tier.max_supply_days}-day take-home supply "
        f"under {profile.id} (phase from day {tier.from_day}).",
        tier.evidence,
        profile.ref,
    )


def _unmet_finding(unmet: tuple[TakeHomeCriterion, ...], profile: ProtocolProfile) -> Finding:
    names = ", ".join(c.value.replace("_", " ") for c in unmet)
    return Finding(
        "take_homes.criteria_unmet",
        Severity.REFUSAL,
        f"No regular take-home supply: the practitioner has not judged these criteria met: "
        f"{names}.",
        profile.take_homes.criteria.evidence,
        profile.ref,
    )


def _reduced_finding(requested: int, granted: int, eligibility: TakeHomeDecision) -> Finding:
    return Finding(
        "take_homes.request_reduced",
        Severity.CAUTION,
        f"{requested} take-home day(s) requested; {granted} allowed now.",
        eligibility.tier.evidence,
        eligibility.profile,
    )


def _uncovered_finding(uncovered: list[date], eligibility: TakeHomeDecision) -> Finding:
    days = ", ".join(d.isoformat() for d in uncovered)
    return Finding(
        "take_homes.closed_day_uncovered",
        Severity.CAUTION,
        f"The clinic is closed on {days} and no take-home dose is allowed for it: a "
        "prescriber must arrange the dose.",
        eligibility.tier.evidence,
        eligibility.profile,
    )
