"""Build the personalised treatment plan from a patient profile."""

from __future__ import annotations

from mooring.rules.common import InvalidInputError
from mooring.rules.planning import care, needs
from mooring.rules.planning.medications import rank_medications
from mooring.rules.planning.model import (
    SECTION_ORDER,
    PlanElement,
    Priority,
    TreatmentPlan,
)
from mooring.rules.planning.preset import DEFAULT_PRESET, plan_preset
from mooring.rules.planning.profile import PatientProfile


def build_plan(profile: PatientProfile, preset_id: str = DEFAULT_PRESET) -> TreatmentPlan:
    """A deterministic plan: the same profile and preset always give the same plan."""
    if not isinstance(profile, PatientProfile):
        raise InvalidInputError("profile", "must be a PatientProfile")
    preset = plan_preset(preset_id)
    withdrawal = needs.withdrawal_setting(profile, preset)
    elements = (
        *needs.safety(profile),
        needs.decision_support(),
        needs.naloxone(),
        needs.medication_summary(),
        *needs.withdrawal_care(profile, preset, withdrawal),
        needs.setting(profile),
        *needs.population(profile, preset),
        *care.therapy(profile, preset),
        *care.mental_health(profile, preset),
        *care.holistic(),
        *care.support_groups(),
        *care.family(profile),
        *care.aftercare(preset),
        *needs.practical(profile),
        *needs.screening(profile),
        *care.relapse_prevention(),
    )
    return TreatmentPlan(
        preset=preset.id,
        elements=_ordered(elements),
        medication_options=rank_medications(profile, preset),
        setting=profile.setting,
        withdrawal_care=withdrawal,
    )


def _ordered(elements: tuple[PlanElement, ...]) -> tuple[PlanElement, ...]:
    """Urgent elements first, then by section; the sort is stable within a section."""
    return tuple(
        sorted(
            elements,
            key=lambda e: (e.priority is not Priority.URGENT, SECTION_ORDER.index(e.section)),
        )
    )
