"""Typed settings that make up a protocol profile, one dataclass per clinical domain.

Every number is a :class:`Cited` value: the number, the evidence ids behind it, and an
``unverified`` flag where the Mooring reference marks it [U] (recalled, not seen in the
primary text). Rules read numbers only from these settings, never inline, so that a state,
protocol or clinic can change them and every finding can say where a number came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar

from mooring.rules.evidence import cite

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Cited(Generic[T]):
    """A setting's value with the sources behind it."""

    value: T
    evidence: tuple[str, ...]
    # True where the reference could not confirm the number in the primary text.
    unverified: bool = False


def cited(value: T, *evidence_ids: str, unverified: bool = False) -> Cited[T]:
    """Build a :class:`Cited`, checking at import time that every id is registered."""
    return Cited(value, cite(*evidence_ids), unverified)


def mg(text: str) -> Decimal:
    """Milligrams as an exact decimal (doses are never floats)."""
    return Decimal(text)


# --- methadone -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MethadoneSettings:
    first_dose_max_mg: Cited[Decimal]
    first_day_max_mg: Cited[Decimal]
    max_increase_step_mg: Cited[Decimal]
    min_days_between_increases: Cited[int]
    # Total rise allowed over any 7 days during the early titration period.
    early_weekly_increase_cap_mg: Cited[Decimal]
    early_period_days: Cited[int]
    usual_maintenance_mg: Cited[tuple[Decimal, Decimal]]


class EcgPolicy(StrEnum):
    UNIVERSAL = "universal"  # ECG before treatment, within 30 days and yearly (Krantz 2009)
    RISK_BASED = "risk_based"  # ECG when risk factors or high dose (AATOD position)


@dataclass(frozen=True, slots=True)
class QtcSettings:
    ecg_policy: Cited[EcgPolicy]
    caution_above_ms: Cited[int]
    refusal_above_ms: Cited[int]
    followup_within_days: Cited[int]
    repeat_every_days: Cited[int]
    extra_ecg_above_mg: Cited[Decimal]


@dataclass(frozen=True, slots=True)
class MissedDoseSettings:
    """Consecutive missed days before a hold for prescriber review, and before re-induction."""

    hold_after_missed_days: Cited[int]
    reinduce_after_missed_days: Cited[int]


# --- take-home doses -----------------------------------------------------------------------


class TakeHomeCriterion(StrEnum):
    """Criteria a practitioner weighs before unsupervised doses (2024 and 2001 wording)."""

    NO_ACTIVE_RISK_CONDITION = "no_active_risk_condition"
    REGULAR_ATTENDANCE = "regular_attendance"
    NO_SERIOUS_BEHAVIOURAL_PROBLEMS = "no_serious_behavioural_problems"
    NO_RECENT_DIVERSION = "no_recent_diversion"
    SAFE_TRANSPORT_AND_STORAGE = "safe_transport_and_storage"
    PRACTITIONER_OTHER_CRITERIA = "practitioner_other_criteria"
    # 2001-only criteria
    NO_RECENT_SUBSTANCE_USE = "no_recent_substance_use"
    NO_RECENT_CRIMINAL_ACTIVITY = "no_recent_criminal_activity"
    STABLE_HOME_AND_RELATIONSHIPS = "stable_home_and_relationships"
    SUFFICIENT_TIME_IN_TREATMENT = "sufficient_time_in_treatment"
    BENEFIT_OUTWEIGHS_DIVERSION_RISK = "benefit_outweighs_diversion_risk"


@dataclass(frozen=True, slots=True)
class TakeHomeTier:
    """From ``from_day`` (admission date = day 0) the largest unsupervised supply."""

    from_day: int
    max_supply_days: int
    # None: no weekly count limit beyond the supply length.
    max_doses_per_week: int | None
    evidence: tuple[str, ...]
    unverified: bool = False


@dataclass(frozen=True, slots=True)
class TakeHomeSchedule:
    tiers: tuple[TakeHomeTier, ...]  # ascending from_day, the first from day 0
    criteria: Cited[tuple[TakeHomeCriterion, ...]]
    # One take-home for a day the clinic is closed, whatever the phase.
    closed_day_take_home: Cited[bool]


# --- buprenorphine -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BuprenorphineSettings:
    wait_after_short_acting_hours: Cited[int]
    wait_after_extended_release_hours: Cited[int]
    wait_after_methadone_hours: Cited[int]
    min_cows_to_start: Cited[int]
    first_dose_max_mg: Cited[Decimal]
    observe_before_redose_minutes: Cited[int]
    day1_max_mg: Cited[Decimal]
    day2_max_mg: Cited[Decimal]
    maintenance_range_mg: Cited[tuple[Decimal, Decimal]]
    # Above the label range but accepted by guidance for some patients, with a reason.
    max_with_rationale_mg: Cited[Decimal]


# --- naltrexone ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NaltrexoneSettings:
    # (minimum, recommended) opioid-free days before the first dose.
    opioid_free_days_short_acting: Cited[tuple[int, int]]
    opioid_free_days_long_acting: Cited[tuple[int, int]]
    oral_start_mg: Cited[Decimal]
    oral_maintenance_mg: Cited[Decimal]
    injection_mg: Cited[Decimal]


# --- withdrawal-management medicines -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LofexidineSettings:
    tablet_mg: Cited[Decimal]
    usual_dose_mg: Cited[Decimal]
    max_single_dose_mg: Cited[Decimal]
    max_daily_mg: Cited[Decimal]
    doses_per_day: Cited[int]
    min_hours_between_doses: Cited[int]
    max_course_days: Cited[int]
    taper_days: Cited[tuple[int, int]]
    hepatic_mild_daily_max_mg: Cited[Decimal]
    hepatic_moderate_daily_max_mg: Cited[Decimal]
    hepatic_severe_daily_max_mg: Cited[Decimal]
    renal_moderate_daily_max_mg: Cited[Decimal]
    renal_severe_daily_max_mg: Cited[Decimal]


@dataclass(frozen=True, slots=True)
class ClonidineSettings:
    """Off-label use: every number is a site decision ([S]/[U] in the reference)."""

    enabled: Cited[bool]
    dose_range_mg: Cited[tuple[Decimal, Decimal]]
    min_hours_between_doses: Cited[int]
    daily_max_mg: Cited[Decimal]
    hold_systolic_below_mmhg: Cited[int]
    hold_heart_rate_below_bpm: Cited[int]
    taper_days: Cited[tuple[int, int]]
