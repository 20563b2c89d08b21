"""Small helpers shared by the modules that write plan elements."""

from __future__ import annotations

from mooring.rules.planning.model import PlanElement, PlanSection, Priority


def element(
    code: str,
    section: PlanSection,
    title: str,
    detail: str,
    evidence: tuple[str, ...],
    priority: Priority = Priority.ROUTINE,
) -> PlanElement:
    return PlanElement(f"plan.{code}", section, priority, title, detail, evidence)


def label(value: str) -> str:
    """A readable form of an enum value (``intensive_outpatient`` -> ``intensive outpatient``)."""
    return value.replace("_", " ")
