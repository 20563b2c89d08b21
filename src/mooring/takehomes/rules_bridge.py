"""The only place that turns take-home rows into rules-core inputs, and findings into messages.

No clinical number lives here: the schedule, the criteria and the closed-day allowance come
from the clinic's protocol profile through :mod:`mooring.rules.take_homes`. This module
gathers the days in treatment (from the open episode's admission date), the latest criteria
assessment, the clinic's closures and opening weekdays, and asks the rule.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from mooring.accounts.models import Clinic, ClinicClosure
from mooring.core.errors import ValidationFailed
from mooring.rules import take_homes
from mooring.rules.common import Finding, RulesError
from mooring.rules.profile_settings import TakeHomeCriterion
from mooring.rules.profiles import ProtocolProfile
from mooring.takehomes.models import TakeHomeCriteriaAssessment

HORIZON = timedelta(days=take_homes.PLANNING_HORIZON_DAYS)


@dataclass(frozen=True)
class Decision:
    """What the rule allows today: the eligibility, and the dates that may get a bottle."""

    eligibility: take_homes.TakeHomeDecision
    plan: take_homes.TakeHomePlan

    @property
    def allowed_dates(self) -> tuple[date, ...]:
        return self.plan.take_home_dates

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.eligibility.findings + self.plan.findings


def open_weekdays(clinic: Clinic) -> frozenset[int]:
    """``date.weekday()`` numbers (Monday 0) the clinic opens; opening_hours keys are ISO."""
    days = set()
    for key in clinic.opening_hours or {}:
        if str(key).isdigit() and 1 <= int(key) <= 7:
            days.add(int(key) - 1)
    return frozenset(days)


def closed_dates(clinic_ids: list[int], as_of: date) -> dict[int, frozenset[date]]:
    """Clinic id -> its closures within the planning horizon after ``as_of`` (one query)."""
    found: dict[int, set[date]] = defaultdict(set)
    rows = ClinicClosure.objects.filter(
        clinic_id__in=clinic_ids, date__gt=as_of, date__lte=as_of + HORIZON
    ).values_list("clinic_id", "date")
    for clinic_id, day in rows:
        found[clinic_id].add(day)
    return {cid: frozenset(found[cid]) for cid in clinic_ids}


def criteria_of(assessment: TakeHomeCriteriaAssessment) -> take_homes.TakeHomeCriteriaAssessment:
    known = {c.value: c for c in TakeHomeCriterion}
    return take_homes.TakeHomeCriteriaAssessment(
        frozenset(known[c] for c in assessment.criteria_met if c in known)
    )


def decide(
    *,
    profile: ProtocolProfile,
    admission_date: date,
    as_of: date,
    assessment: TakeHomeCriteriaAssessment,
    closed: frozenset[date],
    weekdays: frozenset[int],
) -> Decision:
    """Ask the rule how many days, and which dates, may go home today."""
    try:
        eligibility = take_homes.take_home_eligibility(
            admission_date=admission_date,
            as_of=as_of,
            criteria=criteria_of(assessment),
            profile=profile,
        )
        plan = take_homes.plan_take_home_days(
            as_of=as_of,
            eligibility=eligibility,
            clinic_closed_dates=closed,
            requested_days=eligibility.max_days,
            open_weekdays=weekdays,
        )
    except RulesError as error:
        raise ValidationFailed(str(error), code="rules_input_invalid") from None
    return Decision(eligibility, plan)


def cite(finding: Finding) -> str:
    """A finding as a sentence naming its rule, profile and sources."""
    sources = ", ".join(finding.evidence) or "none recorded"
    return f"{finding.message} [rule {finding.code}; profile {finding.profile}; sources {sources}]"


def finding_as_dict(finding: Finding) -> dict[str, object]:
    return {
        "code": finding.code,
        "severity": str(finding.severity),
        "message": finding.message,
        "evidence": list(finding.evidence),
        "profile": finding.profile,
    }


def no_assessment_message(profile: ProtocolProfile) -> str:
    criteria = profile.take_homes.criteria
    names = ", ".join(c.value.replace("_", " ") for c in criteria.value)
    sources = ", ".join(criteria.evidence)
    return (
        "No take-home criteria assessment is on file: a prescriber must record which criteria "
        f"are met ({names}) before take-home doses can go out "
        f"[rule take_homes.criteria; profile {profile.ref}; sources {sources}]"
    )
