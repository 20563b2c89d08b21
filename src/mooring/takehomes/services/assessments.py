"""The prescriber's assessment of the take-home criteria: append-only, the latest applies."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from mooring.accounts.capabilities import Capability
from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import ValidationFailed
from mooring.core.time import now
from mooring.patients.models import Patient
from mooring.patients.selectors import require_patient_here
from mooring.rules.profile_settings import TakeHomeCriterion
from mooring.takehomes.models import TakeHomeCriteriaAssessment


def takehome_assessment_record(
    *, actor: Actor, patient: Patient, criteria_met: Iterable[str], note: str = ""
) -> TakeHomeCriteriaAssessment:
    """Record which take-home criteria the prescriber judges met, as of now.

    ``criteria_met`` holds values of :class:`~mooring.rules.profile_settings.TakeHomeCriterion`;
    an empty list is a valid assessment (no criterion met: no regular take-home supply).
    Which criteria the rule needs comes from the clinic's protocol profile, at issue time.
    """
    clinic = require_patient_here(actor, patient, Capability.PRESCRIBE)
    if isinstance(criteria_met, str):
        raise ValidationFailed(
            "Give the criteria as a list.", code="invalid_criteria", field="criteria_met"
        )
    known = {c.value for c in TakeHomeCriterion}
    chosen = [str(c) for c in criteria_met]
    unknown = sorted(set(chosen) - known)
    if unknown:
        raise ValidationFailed(
            f"Unknown take-home criteria: {', '.join(unknown)}.",
            code="unknown_criterion",
            field="criteria_met",
        )
    met = [c.value for c in TakeHomeCriterion if c.value in set(chosen)]
    with transaction.atomic():
        assessment = TakeHomeCriteriaAssessment.objects.create(
            patient=patient,
            clinic=clinic,
            criteria_met=met,
            note=note.strip(),
            protocol_profile=clinic.protocol_profile,
            assessed_by=actor.user,
            assessed_at=now(),
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="takehome_assessment",
            object_id=assessment.uuid,
            patient=patient,
            clinic=clinic,
            data_category=DataCategory.SUD_TREATMENT,
            detail={"criteria_met": met, "profile": clinic.protocol_profile},
        )
    return assessment
