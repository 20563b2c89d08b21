"""Who may give, and rules-core findings turned into errors naming rule, profile and sources.

The same small helpers as :mod:`mooring.injections.refusals`; the two apps stay independent.
"""

from __future__ import annotations

from typing import Any

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.accounts.models import Clinic
from mooring.core.context import Actor
from mooring.core.errors import CapabilityDenied, FieldProblem, ValidationFailed
from mooring.medications.services._access import require_patient_here
from mooring.patients.models import Patient
from mooring.rules.common import Finding, refusals


class RuleRefused(ValidationFailed):
    """A rule refused the action; ``overridable`` says whether a prescriber's reason may allow it."""

    code = "rule_refused"

    def __init__(self, findings: tuple[Finding, ...], *, field: str | None = None, note: str = ""):
        self.findings = refusals(findings)
        self.overridable = bool(self.findings) and all(f.overridable for f in self.findings)
        super().__init__([problem(f, field, note) for f in self.findings])


def problem(finding: Finding, field: str | None, note: str = "") -> FieldProblem:
    sources = ", ".join(finding.evidence)
    message = (
        f"{finding.message}{note} [rule {finding.code}; profile {finding.profile}; "
        f"sources {sources}]"
    )
    return FieldProblem(field, finding.code, message)


def as_dict(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": str(finding.severity),
        "message": finding.message,
        "evidence": list(finding.evidence),
        "profile": finding.profile,
        "overridable": finding.overridable,
    }


def require_giver(actor: Actor, patient: Patient) -> Clinic:
    """The actor's clinic, once they may see this patient and give medicines there.

    Nurses give (DISPENSE); prescribers may give a dose themselves (PRESCRIBE).
    """
    clinic = require_patient_here(actor, patient, Capability.VIEW_CLINICAL)
    if not (
        access.can(actor.user, Capability.DISPENSE, clinic.id)
        or access.can(actor.user, Capability.PRESCRIBE, clinic.id)
    ):
        raise CapabilityDenied(
            "Your role here does not allow giving medicines.", code="capability_denied"
        )
    return clinic


def allow_or_raise(
    findings: tuple[Finding, ...],
    *,
    actor: Actor,
    clinic: Clinic,
    override_reason: str,
    field: str,
) -> tuple[str, ...]:
    """Raise unless nothing refuses, or a prescriber overrides every (overridable) refusal."""
    refused = refusals(findings)
    if not refused:
        return ()
    if not override_reason.strip() or not all(f.overridable for f in refused):
        raise RuleRefused(findings, field=field)
    if not access.can(actor.user, Capability.PRESCRIBE, clinic.id):
        raise CapabilityDenied(
            "Only a prescriber may override this rule; ask one to give or authorise it.",
            code="override_needs_prescriber",
        )
    return tuple(f.code for f in refused)
