"""The frozen results of the personalised plan."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mooring.rules.common import Finding
from mooring.rules.placement import Setting, WithdrawalSetting
from mooring.rules.planning.profile import Medication


class PlanSection(StrEnum):
    """Plan sections, in the order a plan lists them."""

    SAFETY = "safety"
    DECISION_SUPPORT = "decision_support"
    OVERDOSE_PREVENTION = "overdose_prevention"
    MEDICATION = "medication"
    WITHDRAWAL_CARE = "withdrawal_care"
    SETTING = "setting"
    POPULATION = "population"
    THERAPY = "therapy"
    MENTAL_HEALTH = "mental_health"
    HOLISTIC = "holistic"
    SUPPORT_GROUPS = "support_groups"
    FAMILY = "family"
    KEY_WORKER_AFTERCARE = "key_worker_aftercare"
    PRACTICAL_SUPPORT = "practical_support"
    HEALTH_SCREENING = "health_screening"
    RELAPSE_PREVENTION = "relapse_prevention"


SECTION_ORDER = tuple(PlanSection)


class Priority(StrEnum):
    URGENT = "urgent"  # act today, before anything else in the plan
    HIGH = "high"
    ROUTINE = "routine"


PRIORITY_ORDER = tuple(Priority)


@dataclass(frozen=True, slots=True)
class PlanElement:
    """One thing the plan offers or asks for, with its sources."""

    code: str
    section: PlanSection
    priority: Priority
    title: str
    detail: str
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MedicationOption:
    """One medication, its place in the ranking and why."""

    medication: Medication
    rank: int  # 1 is listed first; equal scores are equally suitable
    score: int
    reasons: tuple[Finding, ...]
    cautions: tuple[Finding, ...]
    contraindicated: bool
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TreatmentPlan:
    """Decision support: the clinician and the person decide; every element cites its sources."""

    preset: str
    elements: tuple[PlanElement, ...]
    medication_options: tuple[MedicationOption, ...]
    setting: Setting | None
    withdrawal_care: WithdrawalSetting | None

    def codes(self) -> tuple[str, ...]:
        return tuple(element.code for element in self.elements)

    def section(self, section: PlanSection) -> tuple[PlanElement, ...]:
        return tuple(element for element in self.elements if element.section is section)

    def element(self, code: str) -> PlanElement | None:
        return next((element for element in self.elements if element.code == code), None)
