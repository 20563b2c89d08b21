"""Buprenorphine: readiness to start, induction-day and maintenance limits, low-dose start.

Waiting times, the COWS score and the day-1/day-2 limits come from the protocol profile (the
label and clinical teaching disagree on waiting times, so each is a profile). A low-dose
("micro") initiation keeps the full agonist going while buprenorphine is built up; its
schedule is a named preset, not a label schedule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import MappingProxyType

from mooring.rules._medication_common import OrderCheck, check_count, check_date, check_mg
from mooring.rules.common import Finding, InvalidInputError, Severity
from mooring.rules.evidence import cite
from mooring.rules.profile_settings import Cited
from mooring.rules.profiles import ProtocolProfile
from mooring.rules.withdrawal import LastOpioid


@dataclass(frozen=True, slots=True)
class ReadinessCheck(OrderCheck):
    earliest_start: datetime | None = None


@dataclass(frozen=True, slots=True)
class LowDoseDay:
    day_number: int
    on: date
    doses_mg: tuple[Decimal, ...]
    continue_full_agonist: bool

    @property
    def daily_total_mg(self) -> Decimal:
        return sum(self.doses_mg, Decimal(0))


@dataclass(frozen=True, slots=True)
class LowDoseSchedule:
    id: str
    title: str
    days: tuple[tuple[Decimal, ...], ...]  # doses per day; the last day stops the agonist
    evidence: tuple[str, ...]


def _mg(*values: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(v) for v in values)


LOW_DOSE_SCHEDULES: Mapping[str, LowDoseSchedule] = MappingProxyType(
    {
        "SEVEN-DAY": LowDoseSchedule(
            "SEVEN-DAY",
            "Commonly quoted 7-day low-dose schedule (Canadian sources)",
            (
                _mg("0.5"),
                _mg("0.5", "0.5"),
                _mg("1", "1"),
                _mg("2", "2"),
                _mg("3", "3"),
                _mg("4", "4"),
                _mg("12"),
            ),
            cite("S-DROR-MICRO", "S-COHEN-JAM2022", "S-MYPCNOW-LDI", "S-BCPHARM-BERNESE"),
        ),
    }
)


def buprenorphine_readiness(
    *,
    last_opioid: LastOpioid,
    last_use: datetime,
    as_of: datetime,
    cows_score: int | None,
    profile: ProtocolProfile,
) -> ReadinessCheck:
    """Whether a standard (in-withdrawal) start may begin now."""
    settings = profile.buprenorphine
    waits: dict[LastOpioid, Cited[int]] = {
        LastOpioid.SHORT_ACTING: settings.wait_after_short_acting_hours,
        LastOpioid.EXTENDED_RELEASE: settings.wait_after_extended_release_hours,
        LastOpioid.METHADONE: settings.wait_after_methadone_hours,
    }
    if last_opioid not in waits:
        raise InvalidInputError("last_opioid", f"no waiting time for {last_opioid!r}", waits)
    for field, value in (("last_use", last_use), ("as_of", as_of)):
        if not isinstance(value, datetime) or value.utcoffset() is None:
            raise InvalidInputError(field, "must be a timezone-aware datetime")
    if last_use > as_of:
        raise InvalidInputError("last_use", "must not be after as_of")
    wait = waits[last_opioid]
    earliest = last_use + timedelta(hours=wait.value)
    findings: list[Finding] = []
    if as_of < earliest:
        hours = (as_of - last_use).total_seconds() / 3600
        findings.append(
            _refusal(
                "buprenorphine.wait_not_met",
                f"{hours:.1f} h since the last {last_opioid.value.replace('_', ' ')} opioid; "
                f"{profile.id} waits {wait.value} h to lower the risk of precipitated "
                "withdrawal. Consider a low-dose start instead.",
                wait.evidence,
                profile,
            )
        )
    findings.extend(_cows_findings(cows_score, profile))
    return ReadinessCheck(tuple(findings), profile.ref, earliest)


def _cows_findings(cows_score: int | None, profile: ProtocolProfile) -> list[Finding]:
    threshold = profile.buprenorphine.min_cows_to_start
    if cows_score is None:
        return [
            _refusal(
                "buprenorphine.cows_missing",
                "Record a COWS score: objective withdrawal must be seen before the first dose.",
                threshold.evidence,
                profile,
            )
        ]
    score = check_count("cows_score", cows_score)
    if score < threshold.value:
        return [
            _refusal(
                "buprenorphine.cows_below_threshold",
                f"COWS {score} is below the start threshold of {threshold.value}.",
                threshold.evidence,
                profile,
            )
        ]
    return []


def check_buprenorphine_dose(
    *,
    induction_day: int,
    proposed_dose: Decimal,
    doses_today: tuple[Decimal, ...],
    profile: ProtocolProfile,
    minutes_since_last_dose: int | None = None,
) -> OrderCheck:
    """Judge one dose: first-dose, day-1 and day-2 limits, then the maintenance range."""
    day = check_count("induction_day", induction_day, minimum=1)
    dose = check_mg("proposed_dose", proposed_dose)
    given = tuple(check_mg("doses_today", d) for d in doses_today)
    total = sum(given, Decimal(0)) + dose
    s = profile.buprenorphine
    findings: list[Finding] = []
    if day == 1 and not given and dose > s.first_dose_max_mg.value:
        findings.append(_over("first_dose", dose, s.first_dose_max_mg, profile))
    if given and minutes_since_last_dose is not None:
        waited = check_count("minutes_since_last_dose", minutes_since_last_dose)
        if day <= 2 and waited < s.observe_before_redose_minutes.value:
            findings.append(
                _refusal(
                    "buprenorphine.redose_too_soon",
                    f"{waited} min since the last dose; observe at least "
                    f"{s.observe_before_redose_minutes.value} min for precipitated withdrawal.",
                    s.observe_before_redose_minutes.evidence,
                    profile,
                )
            )
    limit = {1: s.day1_max_mg, 2: s.day2_max_mg}.get(day)
    if limit is not None:
        if total > limit.value:
            findings.append(_over(f"day{day}_total", total, limit, profile))
    else:
        findings.extend(_maintenance_findings(total, profile))
    return OrderCheck(tuple(findings), profile.ref)


def _maintenance_findings(total: Decimal, profile: ProtocolProfile) -> list[Finding]:
    s = profile.buprenorphine
    upper = s.maintenance_range_mg.value[1]
    if total > s.max_with_rationale_mg.value:
        return [_over("daily_total", total, s.max_with_rationale_mg, profile)]
    if total > upper:
        return [
            Finding(
                "buprenorphine.above_label_range",
                Severity.CAUTION,
                f"{total} mg/day is above {upper} mg: the label reports no demonstrated "
                "advantage; some guidance accepts up to "
                f"{s.max_with_rationale_mg.value} mg with a documented reason.",
                s.maintenance_range_mg.evidence + s.max_with_rationale_mg.evidence,
                profile.ref,
            )
        ]
    return []


def induction_day(start: date, earlier_doses: Iterable[date], profile: ProtocolProfile) -> int:
    """The induction day a buprenorphine order starting on ``start`` falls on.

    Counted from the first dose of the unbroken course that reaches ``start``: a run of
    missed days as long as the site's re-induction threshold
    (``profile.missed_dose.reinduce_after_missed_days``) ends a course, so someone who
    comes back after a long gap starts again at day 1, with its first-dose limits and
    readiness check. Doses on or after ``start`` are not history and are ignored.
    """
    check_date("start", start)
    gap = profile.missed_dose.reinduce_after_missed_days.value
    history = sorted({check_date("earlier_doses", d) for d in earlier_doses}, reverse=True)
    course_start = start
    for day in history:
        if day >= start:
            continue
        if (course_start - day).days - 1 >= gap:
            break
        course_start = day
    return (start - course_start).days + 1


def low_dose_initiation_schedule(
    start: date, schedule_id: str = "SEVEN-DAY"
) -> tuple[LowDoseDay, ...]:
    """Day-by-day low-dose start; the full agonist continues until the last day."""
    check_date("start", start)
    try:
        schedule = LOW_DOSE_SCHEDULES[schedule_id]
    except KeyError:
        raise InvalidInputError("schedule_id", "unknown", LOW_DOSE_SCHEDULES) from None
    last = len(schedule.days)
    return tuple(
        LowDoseDay(n, start + timedelta(days=n - 1), doses, continue_full_agonist=n < last)
        for n, doses in enumerate(schedule.days, start=1)
    )


def _over(what: str, amount: Decimal, limit: Cited[Decimal], profile: ProtocolProfile) -> Finding:
    return _refusal(
        f"buprenorphine.{what}_over_limit",
        f"{amount} mg is above the {what.replace('_', ' ')} limit of {limit.value} mg under "
        f"{profile.id}; a prescriber must document the reason to exceed it.",
        limit.evidence,
        profile,
    )


def _refusal(
    code: str, message: str, evidence: tuple[str, ...], profile: ProtocolProfile
) -> Finding:
    return Finding(code, Severity.REFUSAL, message, evidence, profile.ref, overridable=True)
