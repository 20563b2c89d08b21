"""The frozen patient profile the personalised plan is built from.

Every value arrives already computed by its own rule (COWS band, PHQ-9 and GAD-7 bands, DSM-5
severity, the setting from :mod:`mooring.rules.placement`); this module only checks that the
values are of the right kind and in range, and names the field when they are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mooring.rules.common import InvalidInputError
from mooring.rules.placement import DisorderSeverity, Setting, WithdrawalSetting

# Plausibility bounds for input checking, not clinical thresholds.
AGE_RANGE = (12, 120)
QTC_RANGE_MS = (200, 800)
OPIOID_FREE_DAYS_MAX = 36_500


class SexAtBirth(StrEnum):
    FEMALE = "female"
    MALE = "male"
    INTERSEX = "intersex"
    NOT_RECORDED = "not_recorded"


class WithdrawalBand(StrEnum):
    """Current withdrawal, as the COWS band (below the mild band: none)."""

    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    MODERATELY_SEVERE = "moderately_severe"
    SEVERE = "severe"


class DepressionBand(StrEnum):
    """PHQ-9 severity band."""

    MINIMAL = "minimal"
    MILD = "mild"
    MODERATE = "moderate"
    MODERATELY_SEVERE = "moderately_severe"
    SEVERE = "severe"


class AnxietyBand(StrEnum):
    """GAD-7 severity band."""

    MINIMAL = "minimal"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class Medication(StrEnum):
    METHADONE = "methadone"
    BUPRENORPHINE_NALOXONE = "buprenorphine_naloxone"
    BUPRENORPHINE_SUBLINGUAL = "buprenorphine_sublingual"
    BUPRENORPHINE_EXTENDED_RELEASE = "buprenorphine_extended_release_injection"
    NALTREXONE_EXTENDED_RELEASE = "naltrexone_extended_release_injection"


AGONISTS = (
    Medication.METHADONE,
    Medication.BUPRENORPHINE_NALOXONE,
    Medication.BUPRENORPHINE_SUBLINGUAL,
    Medication.BUPRENORPHINE_EXTENDED_RELEASE,
)
BUPRENORPHINE_PRODUCTS = AGONISTS[1:]


class TrialOutcome(StrEnum):
    WORKED = "worked"
    PARTLY_WORKED = "partly_worked"
    DID_NOT_WORK = "did_not_work"
    SIDE_EFFECTS = "side_effects"


class LiverDisease(StrEnum):
    NONE = "none"
    CHRONIC = "chronic"
    ACUTE_HEPATITIS_OR_FAILURE = "acute_hepatitis_or_liver_failure"


class Housing(StrEnum):
    STABLE = "stable"
    UNSTABLE = "unstable"
    HOMELESS = "homeless"


class FamilySupport(StrEnum):
    SUPPORTIVE = "supportive"
    STRAINED = "strained"
    NONE = "none"
    NOT_ASSESSED = "not_assessed"


@dataclass(frozen=True, slots=True)
class MedicationTrial:
    """An earlier course of a medication for opioid use disorder and how it went."""

    medication: Medication
    outcome: TrialOutcome

    def __post_init__(self) -> None:
        _check_enum("medication_history.medication", self.medication, Medication)
        _check_enum("medication_history.outcome", self.outcome, TrialOutcome)


@dataclass(frozen=True, slots=True)
class PatientProfile:
    age: int
    sex_at_birth: SexAtBirth
    severity: DisorderSeverity
    gender_identity: str = ""  # in the person's own words; recorded, never used to infer anything
    pregnant: bool = False
    withdrawal: WithdrawalBand = WithdrawalBand.NONE
    depression: DepressionBand = DepressionBand.MINIMAL
    anxiety: AnxietyBand = AnxietyBand.MINIMAL
    phq9_item9_positive: bool = False
    medication_history: tuple[MedicationTrial, ...] = ()
    prefers_no_daily_visits: bool = False
    prefers_no_agonist: bool = False  # abstinence goal: not methadone or buprenorphine
    opioid_free_days: int = 0
    liver_disease: LiverDisease = LiverDisease.NONE
    qtc_ms: int | None = None  # None: no ECG on record
    injects: bool = False
    housing: Housing = Housing.STABLE
    employed: bool = False
    legal_issues: bool = False
    family_support: FamilySupport = FamilySupport.NOT_ASSESSED
    setting: Setting | None = None  # the setting chosen (or recommended) by placement
    withdrawal_setting: WithdrawalSetting | None = None

    def __post_init__(self) -> None:
        _check_int("age", self.age, *AGE_RANGE)
        _check_enum("sex_at_birth", self.sex_at_birth, SexAtBirth)
        _check_enum("severity", self.severity, DisorderSeverity)
        if not isinstance(self.gender_identity, str):
            raise InvalidInputError("gender_identity", "must be text")
        for name in (
            "pregnant",
            "phq9_item9_positive",
            "prefers_no_daily_visits",
            "prefers_no_agonist",
            "injects",
            "employed",
            "legal_issues",
        ):
            _check_bool(name, getattr(self, name))
        if self.pregnant and self.sex_at_birth is SexAtBirth.MALE:
            raise InvalidInputError(
                "pregnant", "pregnancy is recorded with sex at birth male; check the record"
            )
        _check_enum("withdrawal", self.withdrawal, WithdrawalBand)
        _check_enum("depression", self.depression, DepressionBand)
        _check_enum("anxiety", self.anxiety, AnxietyBand)
        _check_history(self.medication_history)
        _check_int("opioid_free_days", self.opioid_free_days, 0, OPIOID_FREE_DAYS_MAX)
        _check_enum("liver_disease", self.liver_disease, LiverDisease)
        if self.qtc_ms is not None:
            _check_int("qtc_ms", self.qtc_ms, *QTC_RANGE_MS)
        _check_enum("housing", self.housing, Housing)
        _check_enum("family_support", self.family_support, FamilySupport)
        if self.setting is not None:
            _check_enum("setting", self.setting, Setting)
        if self.withdrawal_setting is not None:
            _check_enum("withdrawal_setting", self.withdrawal_setting, WithdrawalSetting)


def _check_enum(name: str, value: object, kind: type[StrEnum]) -> None:
    if not isinstance(value, kind):
        raise InvalidInputError(name, f"unknown value {value!r}", [m.value for m in kind])


def _check_bool(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidInputError(name, f"must be true or false, got {value!r}", (True, False))


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(name, f"must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise InvalidInputError(name, f"{value} is outside {low}-{high}")


def _check_history(history: object) -> None:
    if not isinstance(history, tuple) or not all(isinstance(t, MedicationTrial) for t in history):
        raise InvalidInputError("medication_history", "must be a tuple of MedicationTrial")
