"""Reasons not to dose: a prescriber's hold, a nurse's sedation finding, missed doses.

A hold covers ``[starts_on, ends_on)`` and may be released early. A nurse who finds a
person appears sedated or intoxicated refuses that day's dose and raises a flag for the
prescriber. After the profile's number of consecutive missed days the dose waits for a
prescriber's review (:func:`missed_dose_review`) or a new order.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import Conflict, ProblemSet, ValidationFailed
from mooring.core.time import now, today_at
from mooring.medications.models import (
    DoseHold,
    FlagKind,
    Medication,
    MedicationOrder,
    MissedDoseReview,
    PrescriberFlag,
    SedationAssessment,
)
from mooring.patients.models import Patient
from mooring.patients.selectors import require_patient_here


def hold_place(
    *,
    actor: Actor,
    patient: Patient,
    reason: str,
    starts_on: date,
    ends_on: date | None = None,
    medication: str = "",
) -> DoseHold:
    """Hold dosing from ``starts_on`` (until ``ends_on``, exclusive, or until released)."""
    require_patient_here(actor, patient, Capability.PRESCRIBE)
    problems = ProblemSet()
    if not reason.strip():
        problems.add("reason", "required", "Say why dosing is held.")
    if ends_on is not None and ends_on <= starts_on:
        problems.add("ends_on", "end_before_start", "The hold must end after it starts.")
    if medication and medication not in Medication.values:
        problems.add("medication", "invalid_choice", "Choose a medication from the list.")
    problems.raise_if_any()
    with transaction.atomic():
        hold = DoseHold.objects.create(
            patient=patient,
            medication=medication,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason.strip(),
            placed_by=actor.user,
            placed_at=now(),
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="dose_hold",
            object_id=hold.uuid,
            patient=patient,
            data_category=DataCategory.SUD_TREATMENT,
            detail={
                "starts_on": starts_on,
                "ends_on": ends_on,
                "reason": hold.reason,
                "medication": medication,
            },
        )
    return hold


def hold_release(*, actor: Actor, hold: DoseHold, reason: str) -> DoseHold:
    """Lift a hold now; dosing may resume the same day."""
    require_patient_here(actor, hold.patient, Capability.PRESCRIBE)
    if not reason.strip():
        raise ValidationFailed("Say why the hold is lifted.", code="required", field="reason")
    with transaction.atomic():
        hold = DoseHold.objects.select_for_update().select_related("patient").get(pk=hold.pk)
        if hold.released_at is not None:
            raise Conflict("This hold was already released.", code="already_released")
        hold.released_by = actor.user
        hold.released_at = now()
        hold.release_reason = reason.strip()
        hold.save(update_fields=["released_by", "released_at", "release_reason"])
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type="dose_hold",
            object_id=hold.uuid,
            patient=hold.patient,
            data_category=DataCategory.SUD_TREATMENT,
            detail={"event": "released", "reason": hold.release_reason},
        )
    return hold


def sedation_record(
    *, actor: Actor, order: MedicationOrder, observations: str, assessed_at: datetime | None = None
) -> SedationAssessment:
    """The nurse finds the person appears sedated or intoxicated: no dose today, flag it."""
    clinic = require_patient_here(actor, order.patient, Capability.DISPENSE)
    if not observations.strip():
        raise ValidationFailed("Describe what you observed.", code="required", field="observations")
    assessed_at = assessed_at or now()
    with transaction.atomic():
        assessment = SedationAssessment.objects.create(
            patient=order.patient,
            order=order,
            clinic=clinic,
            service_date=assessed_at.astimezone(clinic.tz).date(),
            assessed_at=assessed_at,
            observations=observations.strip(),
            nurse=actor.user,
        )
        flag = PrescriberFlag.objects.create(
            patient=order.patient,
            clinic=order.clinic,
            kind=FlagKind.APPEARS_SEDATED,
            message=assessment.observations,
            source_uuid=assessment.uuid,
            raised_by=actor.user,
            raised_at=assessed_at,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="sedation_assessment",
            object_id=assessment.uuid,
            patient=order.patient,
            data_category=DataCategory.SUD_TREATMENT,
            detail={
                "order": str(order.uuid),
                "service_date": assessment.service_date,
                "flag": str(flag.uuid),
            },
        )
    return assessment


def missed_dose_review(
    *, actor: Actor, order: MedicationOrder, note: str, service_date: date | None = None
) -> MissedDoseReview:
    """The prescriber reviewed the missed days and lets today's dose go ahead as ordered."""
    clinic = require_patient_here(actor, order.patient, Capability.PRESCRIBE)
    if not note.strip():
        raise ValidationFailed(
            "Record what you reviewed and decided.", code="required", field="note"
        )
    service_date = service_date or today_at(clinic.tz)
    try:
        with transaction.atomic():
            review = MissedDoseReview.objects.create(
                order=order,
                service_date=service_date,
                note=note.strip(),
                reviewed_by=actor.user,
                reviewed_at=now(),
            )
            record(
                actor=actor,
                action=Action.CREATE,
                object_type="missed_dose_review",
                object_id=review.uuid,
                patient=order.patient,
                data_category=DataCategory.SUD_TREATMENT,
                detail={
                    "order": str(order.uuid),
                    "service_date": service_date,
                    "note": review.note,
                },
            )
    except IntegrityError:
        raise Conflict(
            "Missed doses were already reviewed for this day.", code="already_reviewed"
        ) from None
    return review


def flag_acknowledge(*, actor: Actor, flag: PrescriberFlag) -> PrescriberFlag:
    """A prescriber has seen the flag."""
    access.require(actor.user, Capability.PRESCRIBE, flag.clinic_id)
    with transaction.atomic():
        flag = PrescriberFlag.objects.select_for_update().select_related("patient").get(pk=flag.pk)
        if flag.acknowledged_at is not None:
            raise Conflict("This flag was already acknowledged.", code="already_acknowledged")
        flag.acknowledged_by = actor.user
        flag.acknowledged_at = now()
        flag.save(update_fields=["acknowledged_by", "acknowledged_at"])
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type="prescriber_flag",
            object_id=flag.uuid,
            patient=flag.patient,
            data_category=DataCategory.SUD_TREATMENT,
            detail={"event": "acknowledged"},
        )
    return flag
