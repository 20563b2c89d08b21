"""Withdrawal-management medicines: lofexidine (labelled) and clonidine (off-label, per site).

``check_withdrawal_med_dose`` judges one proposed dose against the per-dose and daily limits,
adjusted for hepatic and renal impairment (lofexidine label), the course length and the
interval since the last dose. Clonidine is refused unless the clinic has turned it on in its
site settings, and its blood-pressure and heart-rate holds need vitals taken before the dose.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from mooring.rules._medication_common import OrderCheck, check_count, check_mg
from mooring.rules.common import Finding, InvalidInputError, Severity
from mooring.rules.profile_settings import Cited, ClonidineSettings, LofexidineSettings
from mooring.rules.profiles import ProtocolProfile


class WithdrawalMedicine(StrEnum):
    LOFEXIDINE = "lofexidine"
    CLONIDINE = "clonidine"


class HepaticImpairment(StrEnum):
    NONE = "none"
    MILD = "mild"  # Child-Pugh 5-6
    MODERATE = "moderate"  # Child-Pugh 7-9
    SEVERE = "severe"  # Child-Pugh above 9


class RenalImpairment(StrEnum):
    NONE = "none"
    MODERATE = "moderate"  # eGFR 30-89.9
    SEVERE = "severe"  # eGFR below 30, end-stage or on dialysis


@dataclass(frozen=True, slots=True)
class Impairment:
    hepatic: HepaticImpairment = HepaticImpairment.NONE
    renal: RenalImpairment = RenalImpairment.NONE


@dataclass(frozen=True, slots=True)
class WithdrawalMedCourse:
    medicine: WithdrawalMedicine
    # Lofexidine and methadone both prolong QT: ECG monitoring is advised together.
    on_methadone: bool = False


@dataclass(frozen=True, slots=True)
class Vitals:
    systolic_mmhg: int
    heart_rate_bpm: int


@dataclass(frozen=True, slots=True)
class DoseCheck(OrderCheck):
    daily_max_mg: Decimal = Decimal(0)
    single_dose_max_mg: Decimal = Decimal(0)


def check_withdrawal_med_dose(
    course: WithdrawalMedCourse,
    proposed_dose: Decimal,
    doses_today: tuple[Decimal, ...],
    day_of_course: int,
    impairment: Impairment,
    profile: ProtocolProfile,
    *,
    hours_since_last_dose: int | None = None,
    vitals: Vitals | None = None,
) -> DoseCheck:
    """Judge one dose; ``day_of_course`` counts from 1, ``doses_today`` are already given."""
    dose = check_mg("proposed_dose", proposed_dose)
    given = tuple(check_mg("doses_today", d) for d in doses_today)
    day = check_count("day_of_course", day_of_course, minimum=1)
    if hours_since_last_dose is not None:
        check_count("hours_since_last_dose", hours_since_last_dose)
    if course.medicine is WithdrawalMedicine.LOFEXIDINE:
        return _lofexidine(course, dose, given, day, impairment, profile, hours_since_last_dose)
    if course.medicine is WithdrawalMedicine.CLONIDINE:
        return _clonidine(dose, given, profile, hours_since_last_dose, vitals)
    raise InvalidInputError(
        "course.medicine", f"unknown {course.medicine!r}", list(WithdrawalMedicine)
    )


def lofexidine_daily_max(impairment: Impairment, settings: LofexidineSettings) -> Cited[Decimal]:
    """The lowest daily maximum that applies: label, hepatic and renal limits."""
    hepatic = {
        HepaticImpairment.NONE: settings.max_daily_mg,
        HepaticImpairment.MILD: settings.hepatic_mild_daily_max_mg,
        HepaticImpairment.MODERATE: settings.hepatic_moderate_daily_max_mg,
        HepaticImpairment.SEVERE: settings.hepatic_severe_daily_max_mg,
    }
    renal = {
        RenalImpairment.NONE: settings.max_daily_mg,
        RenalImpairment.MODERATE: settings.renal_moderate_daily_max_mg,
        RenalImpairment.SEVERE: settings.renal_severe_daily_max_mg,
    }
    try:
        limits = (hepatic[impairment.hepatic], renal[impairment.renal])
    except KeyError as missing:
        raise InvalidInputError("impairment", f"unknown grade {missing}") from None
    return min(limits, key=lambda c: c.value)


def lofexidine_taper(tablets_per_dose: int, profile: ProtocolProfile) -> tuple[int, ...]:
    """Tablets per dose on each taper day, after which lofexidine stops.

    One tablet fewer per dose each day; when that gives fewer days than the label's
    shortest taper, each level is held for longer (1-2 days per level in the label).
    """
    settings = profile.lofexidine
    tablets = check_count("tablets_per_dose", tablets_per_dose, minimum=1)
    most = int(settings.max_single_dose_mg.value / settings.tablet_mg.value)
    if tablets > most:
        raise InvalidInputError("tablets_per_dose", f"at most {most} tablets per dose")
    levels = tuple(range(tablets - 1, 0, -1)) or (1,)
    shortest = settings.taper_days.value[0]
    hold = -(-shortest // len(levels))  # ceiling division
    return tuple(level for level in levels for _ in range(hold))


def _lofexidine(
    course: WithdrawalMedCourse,
    dose: Decimal,
    given: tuple[Decimal, ...],
    day: int,
    impairment: Impairment,
    profile: ProtocolProfile,
    hours_since: int | None,
) -> DoseCheck:
    s = profile.lofexidine
    if dose % s.tablet_mg.value:
        raise InvalidInputError("proposed_dose", f"must be whole {s.tablet_mg.value} mg tablets")
    daily = lofexidine_daily_max(impairment, s)
    single = min(s.max_single_dose_mg.value, daily.value / s.doses_per_day.value)
    findings: list[Finding] = []
    if dose > single:
        findings.append(
            _finding(
                "lofexidine.single_dose_over_limit",
                Severity.REFUSAL,
                f"{dose} mg is above the {single} mg single-dose limit.",
                daily.evidence,
                profile,
            )
        )
    total = sum(given, Decimal(0)) + dose
    if total > daily.value:
        findings.append(
            _finding(
                "lofexidine.daily_over_limit",
                Severity.REFUSAL,
                f"{total} mg today would pass the {daily.value} mg daily limit.",
                daily.evidence,
                profile,
            )
        )
    if len(given) >= s.doses_per_day.value:
        findings.append(
            _finding(
                "lofexidine.extra_dose",
                Severity.CAUTION,
                f"Already {len(given)} doses today; the label gives {s.doses_per_day.value}.",
                s.doses_per_day.evidence,
                profile,
            )
        )
    findings.extend(_interval(hours_since, s.min_hours_between_doses, "lofexidine", profile))
    findings.extend(_course_findings(day, s, profile))
    if course.on_methadone:
        findings.append(
            _finding(
                "lofexidine.qt_with_methadone",
                Severity.CAUTION,
                "Lofexidine and methadone both prolong QT: monitor the ECG.",
                ("S-LUCEMYRA-HCP",),
                profile,
            )
        )
    return DoseCheck(tuple(findings), profile.ref, daily.value, single)


def _course_findings(day: int, s: LofexidineSettings, profile: ProtocolProfile) -> list[Finding]:
    longest = s.max_course_days.value
    if day > longest:
        return [
            _finding(
                "lofexidine.course_over_limit",
                Severity.REFUSAL,
                f"Day {day} of lofexidine: the label covers up to {longest} days; a "
                "prescriber must document why to continue.",
                s.max_course_days.evidence,
                profile,
                overridable=True,
            )
        ]
    if day > longest - s.taper_days.value[1]:
        return [
            _finding(
                "lofexidine.taper_due",
                Severity.INFO,
                f"Day {day} of at most {longest}: plan a taper over "
                f"{s.taper_days.value[0]}-{s.taper_days.value[1]} days.",
                s.taper_days.evidence,
                profile,
            )
        ]
    return []


def _clonidine(
    dose: Decimal,
    given: tuple[Decimal, ...],
    profile: ProtocolProfile,
    hours_since: int | None,
    vitals: Vitals | None,
) -> DoseCheck:
    c: ClonidineSettings = profile.clonidine
    low, high = c.dose_range_mg.value
    if not c.enabled.value:
        refusal = _finding(
            "clonidine.not_enabled",
            Severity.REFUSAL,
            "Clonidine for withdrawal is off-label and not enabled in this clinic's site settings.",
            c.enabled.evidence,
            profile,
        )
        return DoseCheck((refusal,), profile.ref, c.daily_max_mg.value, high)
    findings: list[Finding] = []
    if dose > high:
        findings.append(
            _finding(
                "clonidine.single_dose_over_limit",
                Severity.REFUSAL,
                f"{dose} mg is above the site's {high} mg dose.",
                c.dose_range_mg.evidence,
                profile,
                overridable=True,
            )
        )
    total = sum(given, Decimal(0)) + dose
    if total > c.daily_max_mg.value:
        findings.append(
            _finding(
                "clonidine.daily_over_limit",
                Severity.REFUSAL,
                f"{total} mg today would pass the site's {c.daily_max_mg.value} mg daily limit.",
                c.daily_max_mg.evidence,
                profile,
                overridable=True,
            )
        )
    findings.extend(_interval(hours_since, c.min_hours_between_doses, "clonidine", profile))
    findings.extend(_vitals_findings(vitals, c, profile))
    return DoseCheck(tuple(findings), profile.ref, c.daily_max_mg.value, high)


def _vitals_findings(
    vitals: Vitals | None, c: ClonidineSettings, profile: ProtocolProfile
) -> list[Finding]:
    if vitals is None:
        return [
            _finding(
                "clonidine.vitals_missing",
                Severity.CAUTION,
                "Take blood pressure and pulse before each clonidine dose.",
                c.hold_systolic_below_mmhg.evidence,
                profile,
            )
        ]
    findings: list[Finding] = []
    if vitals.systolic_mmhg < c.hold_systolic_below_mmhg.value:
        findings.append(
            _finding(
                "clonidine.hold_low_blood_pressure",
                Severity.REFUSAL,
                f"Systolic {vitals.systolic_mmhg} mmHg is below "
                f"{c.hold_systolic_below_mmhg.value}: hold the dose.",
                c.hold_systolic_below_mmhg.evidence,
                profile,
            )
        )
    if vitals.heart_rate_bpm < c.hold_heart_rate_below_bpm.value:
        findings.append(
            _finding(
                "clonidine.hold_low_heart_rate",
                Severity.REFUSAL,
                f"Pulse {vitals.heart_rate_bpm}/min is below "
                f"{c.hold_heart_rate_below_bpm.value}: hold the dose.",
                c.hold_heart_rate_below_bpm.evidence,
                profile,
            )
        )
    return findings


def _interval(
    hours_since: int | None, minimum: Cited[int], medicine: str, profile: ProtocolProfile
) -> list[Finding]:
    if hours_since is None or hours_since >= minimum.value:
        return []
    return [
        _finding(
            f"{medicine}.too_soon",
            Severity.REFUSAL,
            f"{hours_since} h since the last dose; at least {minimum.value} h apart.",
            minimum.evidence,
            profile,
            overridable=True,
        )
    ]


def _finding(
    code: str,
    severity: Severity,
    message: str,
    evidence: tuple[str, ...],
    profile: ProtocolProfile,
    *,
    overridable: bool = False,
) -> Finding:
    return Finding(code, severity, message, evidence, profile.ref, overridable)
