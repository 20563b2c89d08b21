"""Methadone orders: first day, titration, missed doses, and QTc/ECG safety.

``check_methadone_order`` judges one day's order against the patient's dose history under a
protocol profile. Limits that a prescriber may exceed with a documented reason come back as
*overridable* refusals; the service layer records the reason. A split dose (one daily amount
in two administrations) is judged on its daily total, so splitting is never an increase.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from mooring.rules._medication_common import (
    OrderCheck,
    check_count,
    check_date,
    check_mg,
    evidence_of,
)
from mooring.rules.common import Finding, InvalidInputError, Severity
from mooring.rules.methadone_ecg import EcgResult, ecg_findings
from mooring.rules.profiles import ProtocolProfile

__all__ = [
    "DailyDose",
    "EcgResult",
    "MethadoneHistory",
    "MethadoneOrderRequest",
    "MissedDoseAdvice",
    "MissedDoseStatus",
    "check_methadone_order",
    "consecutive_missed_days",
    "evaluate_missed_doses",
]

MAX_ADMINISTRATIONS_PER_DAY = 2  # a daily amount is given whole or split in two


@dataclass(frozen=True, slots=True)
class MethadoneOrderRequest:
    dose_date: date
    # One entry for a single dose; two for a split dose of the same daily amount.
    administrations_mg: tuple[Decimal, ...]

    @property
    def daily_total_mg(self) -> Decimal:
        return sum(self.administrations_mg, Decimal(0))


@dataclass(frozen=True, slots=True)
class DailyDose:
    dose_date: date
    total_mg: Decimal


@dataclass(frozen=True, slots=True)
class MethadoneHistory:
    """Days a dose was taken before the order date, and ECGs on file."""

    daily_doses: tuple[DailyDose, ...] = ()
    ecgs: tuple[EcgResult, ...] = ()


class MissedDoseStatus(StrEnum):
    OK = "ok"
    HOLD_FOR_REVIEW = "hold_for_review"
    REINDUCE = "reinduce"


@dataclass(frozen=True, slots=True)
class MissedDoseAdvice:
    status: MissedDoseStatus
    consecutive_missed: int
    message: str
    evidence: tuple[str, ...]
    profile: str

    def finding(self) -> Finding | None:
        if self.status is MissedDoseStatus.OK:
            return None
        return Finding(
            code=f"methadone.missed_doses.{self.status.value}",
            severity=Severity.REFUSAL,
            message=self.message,
            evidence=self.evidence,
            profile=self.profile,
            overridable=True,
        )


def consecutive_missed_days(last_dose_date: date, as_of: date) -> int:
    """Whole days without a dose between the last dose and ``as_of`` (exclusive)."""
    check_date("last_dose_date", last_dose_date)
    check_date("as_of", as_of)
    if last_dose_date > as_of:
        raise InvalidInputError("last_dose_date", f"must not be after as_of ({as_of})")
    return max((as_of - last_dose_date).days - 1, 0)


def evaluate_missed_doses(consecutive_missed: int, profile: ProtocolProfile) -> MissedDoseAdvice:
    """After N missed days hold for review; after M re-induce at a lower dose (site settings)."""
    missed = check_count("consecutive_missed", consecutive_missed)
    hold = profile.missed_dose.hold_after_missed_days
    reinduce = profile.missed_dose.reinduce_after_missed_days
    if missed >= reinduce.value:
        status = MissedDoseStatus.REINDUCE
        message = (
            f"{missed} consecutive days without methadone (re-induction threshold "
            f"{reinduce.value}): tolerance may be lost; re-induce at a reduced dose within "
            "first-day limits."
        )
        evidence = reinduce.evidence
    elif missed >= hold.value:
        status = MissedDoseStatus.HOLD_FOR_REVIEW
        message = (
            f"{missed} consecutive days without methadone (review threshold {hold.value}): "
            "hold the dose until a prescriber reviews it."
        )
        evidence = hold.evidence
    else:
        status = MissedDoseStatus.OK
        message = f"{missed} consecutive missed days: below the review threshold."
        evidence = hold.evidence
    return MissedDoseAdvice(status, missed, message, evidence, profile.ref)


def check_methadone_order(
    order: MethadoneOrderRequest,
    history: MethadoneHistory,
    profile: ProtocolProfile,
    *,
    as_of: date,
) -> OrderCheck:
    """Judge one day's methadone order; see ``docs/rules/methadone.md``."""
    previous = _validate(order, history, as_of)
    findings: list[Finding] = []
    reinducing = False
    if previous:
        missed = (order.dose_date - previous[-1].dose_date).days - 1
        advice = evaluate_missed_doses(missed, profile)
        finding = advice.finding()
        if finding is not None:
            findings.append(finding)
        reinducing = advice.status is MissedDoseStatus.REINDUCE
    if not previous or reinducing:
        findings.extend(_first_day_findings(order, profile))
    else:
        findings.extend(_titration_findings(order, previous, profile))
    if len(order.administrations_mg) == MAX_ADMINISTRATIONS_PER_DAY:
        findings.append(_split_dose_finding(order, profile))
    prior_total = previous[-1].total_mg if previous and not reinducing else None
    raises_dose = prior_total is None or order.daily_total_mg > prior_total
    first_dose_date = previous[0].dose_date if previous else order.dose_date
    findings.extend(
        ecg_findings(
            order.dose_date,
            order.daily_total_mg,
            prior_total,
            raises_dose=raises_dose,
            first_dose_date=first_dose_date,
            ecgs=history.ecgs,
            profile=profile,
        )
    )
    return OrderCheck(tuple(findings), profile.ref)


def _validate(
    order: MethadoneOrderRequest, history: MethadoneHistory, as_of: date
) -> tuple[DailyDose, ...]:
    check_date("as_of", as_of)
    check_date("order.dose_date", order.dose_date)
    count = len(order.administrations_mg)
    if not 1 <= count <= MAX_ADMINISTRATIONS_PER_DAY:
        raise InvalidInputError("order.administrations_mg", f"has {count} entries", (1, 2))
    for amount in order.administrations_mg:
        check_mg("order.administrations_mg", amount)
    seen: set[date] = set()
    for dose in history.daily_doses:
        check_date("history.daily_doses.dose_date", dose.dose_date)
        check_mg("history.daily_doses.total_mg", dose.total_mg)
        if dose.dose_date >= order.dose_date or dose.dose_date in seen:
            raise InvalidInputError(
                "history.daily_doses",
                f"{dose.dose_date} must be unique and before the order date {order.dose_date}",
            )
        seen.add(dose.dose_date)
    for ecg in history.ecgs:
        check_date("history.ecgs.recorded_on", ecg.recorded_on)
        check_count("history.ecgs.qtc_ms", ecg.qtc_ms, minimum=1)
        if ecg.recorded_on > as_of:
            raise InvalidInputError("history.ecgs", f"ECG dated after as_of ({as_of})")
    return tuple(sorted(history.daily_doses, key=lambda d: d.dose_date))


def _first_day_findings(order: MethadoneOrderRequest, profile: ProtocolProfile) -> list[Finding]:
    settings = profile.methadone
    findings: list[Finding] = []
    first = order.administrations_mg[0]
    if first > settings.first_dose_max_mg.value:
        findings.append(
            _refusal(
                "methadone.first_dose_over_limit",
                f"A first dose of {first} mg is above the {settings.first_dose_max_mg.value} mg "
                f"limit of {profile.id}; a prescriber must document the reason to exceed it.",
                settings.first_dose_max_mg.evidence,
                profile,
            )
        )
    total = order.daily_total_mg
    if total > settings.first_day_max_mg.value:
        findings.append(
            _refusal(
                "methadone.first_day_over_limit",
                f"A first-day total of {total} mg is above the {settings.first_day_max_mg.value} "
                f"mg limit of {profile.id}; a prescriber must document that the lower total "
                "did not relieve withdrawal.",
                settings.first_day_max_mg.evidence,
                profile,
            )
        )
    return findings


def _titration_findings(
    order: MethadoneOrderRequest, previous: tuple[DailyDose, ...], profile: ProtocolProfile
) -> list[Finding]:
    settings = profile.methadone
    total = order.daily_total_mg
    step = total - previous[-1].total_mg
    if step <= 0:
        return []
    findings: list[Finding] = []
    if step > settings.max_increase_step_mg.value:
        findings.append(
            _refusal(
                "methadone.increase_step_over_limit",
                f"An increase of {step} mg is above the {settings.max_increase_step_mg.value} mg "
                "largest step; rapid titration is a leading risk in the first weeks.",
                settings.max_increase_step_mg.evidence,
                profile,
            )
        )
    days_since = (order.dose_date - _last_increase_date(previous)).days
    if days_since < settings.min_days_between_increases.value:
        findings.append(
            _refusal(
                "methadone.increase_too_soon",
                f"Only {days_since} day(s) since the last increase; at least "
                f"{settings.min_days_between_increases.value} days let the dose reach "
                "steady state first.",
                settings.min_days_between_increases.evidence,
                profile,
            )
        )
    in_early_period = (
        order.dose_date - previous[0].dose_date
    ).days < settings.early_period_days.value
    rise = total - _dose_a_week_before(order.dose_date, previous)
    if in_early_period and rise > settings.early_weekly_increase_cap_mg.value:
        findings.append(
            _refusal(
                "methadone.early_weekly_rise_over_limit",
                f"A rise of {rise} mg within 7 days is above the "
                f"{settings.early_weekly_increase_cap_mg.value} mg weekly cap of the first "
                f"{settings.early_period_days.value} days.",
                evidence_of(
                    settings.early_weekly_increase_cap_mg.evidence,
                    settings.early_period_days.evidence,
                ),
                profile,
            )
        )
    return findings


def _last_increase_date(previous: tuple[DailyDose, ...]) -> date:
    """The latest day the daily total went up; the first dose counts as the start."""
    last = previous[0].dose_date
    for before, after in zip(previous, previous[1:], strict=False):
        if after.total_mg > before.total_mg:
            last = after.dose_date
    return last


def _dose_a_week_before(dose_date: date, previous: tuple[DailyDose, ...]) -> Decimal:
    """The daily total in effect 7 days before ``dose_date`` (else the first dose)."""
    in_effect = previous[0].total_mg
    for dose in previous:
        if (dose_date - dose.dose_date).days >= 7:
            in_effect = dose.total_mg
    return in_effect


def _split_dose_finding(order: MethadoneOrderRequest, profile: ProtocolProfile) -> Finding:
    parts = " + ".join(f"{a} mg" for a in order.administrations_mg)
    return Finding(
        code="methadone.split_dose",
        severity=Severity.INFO,
        message=f"Split dose {parts}: judged on the daily total of {order.daily_total_mg} mg.",
        evidence=profile.methadone.max_increase_step_mg.evidence,
        profile=profile.ref,
    )


def _refusal(
    code: str, message: str, evidence: tuple[str, ...], profile: ProtocolProfile
) -> Finding:
    return Finding(code, Severity.REFUSAL, message, evidence, profile.ref, overridable=True)
