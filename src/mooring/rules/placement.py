"""Setting recommendation (placement): from six rated dimensions to a care setting.

Mooring stores six 0-4 risk ratings under its own neutral names and recommends a setting
from the rules the seed articles state: a 24-hour setting (inpatient or residential) for
severe disorder, co-occurring mental health conditions, an earlier return to use after
treatment or an unsupportive home; outpatient care for less severe disorder with a stable,
supportive home; always the least intensive setting that is safe; and medically supervised
withdrawal care (inpatient or ambulatory) when withdrawal is expected. There is no home or
self-managed withdrawal option at all: the seeds call it unsafe.

This is not the ASAM Criteria. ASAM's decision rules are licensed and are not implemented
here; only the public, general ideas (rated dimensions, least intensive safe setting) are
shared, and cited as such. The clinician chooses the setting; :func:`record_clinician_choice`
keeps the recommendation and the choice side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from types import MappingProxyType

from mooring.rules.common import (
    Finding,
    InvalidInputError,
    RulesError,
    Severity,
    UnknownProfileError,
)
from mooring.rules.evidence import cite

RATING_MIN, RATING_MAX = 0, 4  # the 0-4 scale itself, not a tunable threshold


class Setting(StrEnum):
    """Care settings, from most to least intensive."""

    MEDICALLY_MANAGED_INPATIENT = "medically_managed_inpatient"
    RESIDENTIAL = "residential"
    PARTIAL_HOSPITALISATION = "partial_hospitalisation"
    INTENSIVE_OUTPATIENT = "intensive_outpatient"
    OUTPATIENT = "outpatient"


# Ordered least to most intensive; the position is the intensity.
_INTENSITY_ORDER = (
    Setting.OUTPATIENT,
    Setting.INTENSIVE_OUTPATIENT,
    Setting.PARTIAL_HOSPITALISATION,
    Setting.RESIDENTIAL,
    Setting.MEDICALLY_MANAGED_INPATIENT,
)


def intensity(setting: Setting) -> int:
    """0 for outpatient up to 4 for medically managed inpatient care."""
    return _INTENSITY_ORDER.index(setting)


class WithdrawalSetting(StrEnum):
    """Where medically supervised withdrawal care happens. There is deliberately no home option."""

    AMBULATORY = "medically_supervised_ambulatory"
    INPATIENT = "medically_supervised_inpatient"


_WITHDRAWAL_ORDER = (WithdrawalSetting.AMBULATORY, WithdrawalSetting.INPATIENT)


class DisorderSeverity(StrEnum):
    """DSM-5 opioid use disorder severity, as already determined by the instruments."""

    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class Dimension(StrEnum):
    """Mooring's own names for the six rated dimensions."""

    WITHDRAWAL_RISK = "withdrawal_risk"
    PHYSICAL_HEALTH = "physical_health"
    EMOTIONAL_HEALTH = "emotional_health"
    READINESS = "readiness"
    RETURN_TO_USE_RISK = "return_to_use_risk"
    LIVING_ENVIRONMENT = "living_environment"


@dataclass(frozen=True, slots=True)
class DimensionRatings:
    """Six 0-4 risk ratings (0 = no current risk, 4 = the highest risk)."""

    withdrawal_risk: int
    physical_health: int
    emotional_health: int
    readiness: int
    return_to_use_risk: int
    living_environment: int

    def __post_init__(self) -> None:
        for item in fields(self):
            _check_rating(item.name, getattr(self, item.name))

    def rating(self, dimension: Dimension) -> int:
        value: int = getattr(self, dimension.value)
        return value


def _check_rating(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(name, f"must be a whole number, got {value!r}", _RATING_RANGE)
    if not RATING_MIN <= value <= RATING_MAX:
        raise InvalidInputError(name, f"rating {value} is out of range", _RATING_RANGE)


_RATING_RANGE = tuple(range(RATING_MIN, RATING_MAX + 1))


@dataclass(frozen=True, slots=True)
class PlacementAssessment:
    ratings: DimensionRatings
    severity: DisorderSeverity
    returned_to_use_after_treatment: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.ratings, DimensionRatings):
            raise InvalidInputError("ratings", "must be DimensionRatings")
        if not isinstance(self.severity, DisorderSeverity):
            raise InvalidInputError(
                "severity", f"unknown value {self.severity!r}", list(DisorderSeverity)
            )
        if not isinstance(self.returned_to_use_after_treatment, bool):
            raise InvalidInputError(
                "returned_to_use_after_treatment", "must be true or false", (True, False)
            )


@dataclass(frozen=True, slots=True)
class PlacementPreset:
    """The thresholds that turn ratings into settings, with the sources behind them.

    ``floors[dimension][rating]`` is the least intensive setting that is safe for that
    rating; the recommendation is the most intensive floor over everything assessed, which
    is the least intensive setting that meets every need at once.
    """

    id: str
    floors: Mapping[Dimension, tuple[Setting, ...]]
    severity_floor: Mapping[DisorderSeverity, Setting]
    returned_to_use_floor: Setting
    withdrawal_expected_from: int  # withdrawal_risk rating at which withdrawal care is needed
    inpatient_withdrawal_from: int  # withdrawal_risk or physical_health rating for inpatient care
    evidence: Mapping[str, tuple[str, ...]]

    def __post_init__(self) -> None:
        # Monotone by construction: a floor never drops as a rating rises.
        for dimension in Dimension:
            row = self.floors[dimension]
            if len(row) != len(_RATING_RANGE) or any(
                intensity(a) > intensity(b) for a, b in zip(row, row[1:], strict=False)
            ):
                raise RulesError(f"preset {self.id}: floors for {dimension} must rise with rating")


_O, _I, _P, _R, _M = _INTENSITY_ORDER

_SEED_RULES = cite("SEED-001", "SEED-004")

MOORING_SEEDS_2026 = PlacementPreset(
    id="MOORING-SEEDS-2026",
    floors=MappingProxyType(
        {
            # Withdrawal and physical needs at the top of the scale need medical care on site.
            Dimension.WITHDRAWAL_RISK: (_O, _O, _I, _P, _M),
            Dimension.PHYSICAL_HEALTH: (_O, _O, _I, _P, _M),
            # A co-occurring mental health condition (3) calls for a 24-hour setting.
            Dimension.EMOTIONAL_HEALTH: (_O, _O, _I, _R, _M),
            # Readiness alone never calls for 24-hour care; it calls for engagement work.
            Dimension.READINESS: (_O, _O, _I, _P, _P),
            # Earlier return to use and an unsupportive home call for a residential setting.
            Dimension.RETURN_TO_USE_RISK: (_O, _O, _I, _R, _R),
            Dimension.LIVING_ENVIRONMENT: (_O, _O, _I, _R, _R),
        }
    ),
    severity_floor=MappingProxyType(
        {
            DisorderSeverity.MILD: _O,
            DisorderSeverity.MODERATE: _O,
            DisorderSeverity.SEVERE: _R,
        }
    ),
    returned_to_use_floor=_R,
    withdrawal_expected_from=1,
    inpatient_withdrawal_from=3,
    evidence=MappingProxyType(
        {
            "floors": cite("SEED-001", "SEED-004", "S-ASAM-CONTINUUM-KB", "S-IAP-ASAM"),
            "severity_floor": _SEED_RULES,
            "returned_to_use_floor": cite("SEED-004"),
            "least_intensive": cite("SEED-001", "S-IAP-ASAM", "S-OPENEXAM-ASAM"),
            "withdrawal": cite("SEED-001", "SEED-002", "SEED-003", "SEED-004"),
            "clinician_choice": cite("SEED-000", "SEED-001", "S-OPENEXAM-ASAM"),
        }
    ),
)

PRESETS: Mapping[str, PlacementPreset] = MappingProxyType(
    {MOORING_SEEDS_2026.id: MOORING_SEEDS_2026}
)
DEFAULT_PRESET = MOORING_SEEDS_2026.id


def placement_preset(preset_id: str) -> PlacementPreset:
    try:
        return PRESETS[preset_id]
    except KeyError:
        raise UnknownProfileError(f"unknown placement preset {preset_id!r}") from None


@dataclass(frozen=True, slots=True)
class PlacementRecommendation:
    setting: Setting
    withdrawal_management: WithdrawalSetting | None
    rationale: tuple[Finding, ...]
    assessment: PlacementAssessment
    preset: str


@dataclass(frozen=True, slots=True)
class PlacementDecision:
    recommended: Setting
    chosen: Setting
    reason: str
    differs: bool
    findings: tuple[Finding, ...]
    preset: str


_DRIVER_TEXT = {
    Dimension.WITHDRAWAL_RISK: "withdrawal risk",
    Dimension.PHYSICAL_HEALTH: "physical health needs",
    Dimension.EMOTIONAL_HEALTH: "emotional or mental health needs",
    Dimension.READINESS: "readiness for change",
    Dimension.RETURN_TO_USE_RISK: "risk of return to use",
    Dimension.LIVING_ENVIRONMENT: "living environment",
}


def _label(setting: Setting | WithdrawalSetting) -> str:
    return setting.value.replace("_", " ")


def recommend_setting(
    assessment: PlacementAssessment, preset_id: str = DEFAULT_PRESET
) -> PlacementRecommendation:
    """Recommend the least intensive safe setting and any withdrawal care; the clinician decides."""
    if not isinstance(assessment, PlacementAssessment):
        raise InvalidInputError("assessment", "must be a PlacementAssessment")
    preset = placement_preset(preset_id)
    floors = _floors(assessment, preset)
    setting = max((floor for floor, _ in floors), key=intensity)
    withdrawal = _withdrawal_setting(assessment.ratings, setting, preset)
    rationale = (
        *_driver_findings(floors, setting, preset),
        _least_intensive_finding(setting, preset),
        *_withdrawal_findings(withdrawal, preset),
        Finding(
            "placement.clinician_decides",
            Severity.INFO,
            "This is a recommendation; the clinician and the person choose the setting together.",
            preset.evidence["clinician_choice"],
            preset.id,
        ),
    )
    return PlacementRecommendation(setting, withdrawal, rationale, assessment, preset.id)


def _floors(
    assessment: PlacementAssessment, preset: PlacementPreset
) -> tuple[tuple[Setting, str], ...]:
    """Every floor that applies, each with the reason it applies (a rule key)."""
    found = [
        (preset.floors[dimension][assessment.ratings.rating(dimension)], dimension.value)
        for dimension in Dimension
    ]
    found.append((preset.severity_floor[assessment.severity], "severity"))
    if assessment.returned_to_use_after_treatment:
        found.append((preset.returned_to_use_floor, "returned_to_use_after_treatment"))
    return tuple(found)


def _driver_findings(
    floors: tuple[tuple[Setting, str], ...], setting: Setting, preset: PlacementPreset
) -> tuple[Finding, ...]:
    """One rationale line for each rule that sets the recommended intensity."""
    if setting is Setting.OUTPATIENT:
        return (
            Finding(
                "placement.outpatient_suitable",
                Severity.INFO,
                "No dimension calls for more than outpatient care: the disorder is less severe "
                "and the living environment is stable and supportive.",
                preset.evidence["severity_floor"],
                preset.id,
            ),
        )
    return tuple(_driver_finding(key, setting, preset) for floor, key in floors if floor is setting)


def _driver_finding(key: str, setting: Setting, preset: PlacementPreset) -> Finding:
    if key == "severity":
        what, evidence = "the severity of the disorder", preset.evidence["severity_floor"]
    elif key == "returned_to_use_after_treatment":
        what, evidence = (
            "an earlier return to use after treatment",
            preset.evidence["returned_to_use_floor"],
        )
    else:
        what, evidence = _DRIVER_TEXT[Dimension(key)], preset.evidence["floors"]
    return Finding(
        f"placement.driver.{key}",
        Severity.INFO,
        f"{what.capitalize()} calls for at least {_label(setting)} care.",
        evidence,
        preset.id,
    )


def _least_intensive_finding(setting: Setting, preset: PlacementPreset) -> Finding:
    return Finding(
        "placement.least_intensive",
        Severity.INFO,
        f"{_label(setting).capitalize()} is the least intensive setting that meets every "
        "assessed need safely.",
        preset.evidence["least_intensive"],
        preset.id,
    )


def _withdrawal_setting(
    ratings: DimensionRatings, setting: Setting, preset: PlacementPreset
) -> WithdrawalSetting | None:
    if ratings.withdrawal_risk < preset.withdrawal_expected_from:
        return None
    needs_inpatient = max(
        ratings.withdrawal_risk, ratings.physical_health
    ) >= preset.inpatient_withdrawal_from or intensity(setting) >= intensity(Setting.RESIDENTIAL)
    return WithdrawalSetting.INPATIENT if needs_inpatient else WithdrawalSetting.AMBULATORY


def _withdrawal_findings(
    withdrawal: WithdrawalSetting | None, preset: PlacementPreset
) -> tuple[Finding, ...]:
    if withdrawal is None:
        return ()
    return (
        Finding(
            "placement.withdrawal_supervised",
            Severity.INFO,
            f"Withdrawal is expected: plan {_label(withdrawal)} withdrawal care. Withdrawal "
            "without medical supervision (at home) is not safe and is never recommended.",
            preset.evidence["withdrawal"],
            preset.id,
        ),
    )


def withdrawal_intensity(setting: WithdrawalSetting) -> int:
    return _WITHDRAWAL_ORDER.index(setting)


def record_clinician_choice(
    recommendation: PlacementRecommendation, chosen_setting: Setting, reason: str
) -> PlacementDecision:
    """Record the setting the clinician chose; a different choice needs a reason."""
    if not isinstance(recommendation, PlacementRecommendation):
        raise InvalidInputError("recommendation", "must be a PlacementRecommendation")
    if not isinstance(chosen_setting, Setting):
        raise InvalidInputError(
            "chosen_setting", f"unknown setting {chosen_setting!r}", list(Setting)
        )
    if not isinstance(reason, str):
        raise InvalidInputError("reason", "must be text")
    reason = reason.strip()
    recommended = recommendation.setting
    differs = chosen_setting is not recommended
    if differs and not reason:
        raise InvalidInputError(
            "reason", "a reason is required when the chosen setting differs from the recommendation"
        )
    preset = placement_preset(recommendation.preset)
    finding = _choice_finding(recommended, chosen_setting, preset)
    return PlacementDecision(recommended, chosen_setting, reason, differs, (finding,), preset.id)


def _choice_finding(recommended: Setting, chosen: Setting, preset: PlacementPreset) -> Finding:
    evidence = preset.evidence["clinician_choice"]
    if intensity(chosen) < intensity(recommended):
        return Finding(
            "placement.choice.less_intensive",
            Severity.CAUTION,
            f"The chosen setting ({_label(chosen)}) is less intensive than recommended "
            f"({_label(recommended)}); review the needs that called for more support.",
            evidence,
            preset.id,
            overridable=True,
        )
    if intensity(chosen) > intensity(recommended):
        return Finding(
            "placement.choice.more_intensive",
            Severity.INFO,
            f"The chosen setting ({_label(chosen)}) is more intensive than recommended "
            f"({_label(recommended)}).",
            evidence,
            preset.id,
        )
    return Finding(
        "placement.choice.as_recommended",
        Severity.INFO,
        f"The chosen setting is the recommended one ({_label(chosen)}).",
        evidence,
        preset.id,
    )
