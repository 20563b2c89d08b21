"""The personalised treatment plan: decision support built from a frozen patient profile.

``build_plan(profile)`` returns a :class:`TreatmentPlan`: ranked medication options with
reasons and cautions, naloxone, withdrawal care when needed (always medically supervised),
the setting, therapies, holistic options, support groups, key worker and aftercare, additions
for pregnancy and stage of life, health screening and the sections of a relapse-prevention
plan. Every element cites evidence ids; every weight and threshold comes from a named preset.
The clinician and the person decide.
"""

from mooring.rules.planning.medications import medication_name, rank_medications
from mooring.rules.planning.model import (
    MedicationOption,
    PlanElement,
    PlanSection,
    Priority,
    TreatmentPlan,
)
from mooring.rules.planning.plan import build_plan
from mooring.rules.planning.preset import (
    DEFAULT_PRESET,
    MOORING_SEEDS_2026,
    PRESETS,
    PlanPreset,
    plan_preset,
)
from mooring.rules.planning.profile import (
    AnxietyBand,
    DepressionBand,
    FamilySupport,
    Housing,
    LiverDisease,
    Medication,
    MedicationTrial,
    PatientProfile,
    SexAtBirth,
    TrialOutcome,
    WithdrawalBand,
)

__all__ = [
    "DEFAULT_PRESET",
    "MOORING_SEEDS_2026",
    "PRESETS",
    "AnxietyBand",
    "DepressionBand",
    "FamilySupport",
    "Housing",
    "LiverDisease",
    "Medication",
    "MedicationOption",
    "MedicationTrial",
    "PatientProfile",
    "PlanElement",
    "PlanPreset",
    "PlanSection",
    "Priority",
    "SexAtBirth",
    "TreatmentPlan",
    "TrialOutcome",
    "WithdrawalBand",
    "build_plan",
    "medication_name",
    "plan_preset",
    "rank_medications",
]
