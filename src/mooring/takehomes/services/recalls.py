"""Bottle recalls (call-backs): the patient brings every take-home bottle in, at short notice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mooring.accounts.capabilities import Capability
from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import Conflict, ValidationFailed
from mooring.core.time import now
from mooring.patients.models import Patient
from mooring.patients.selectors import require_patient_here
from mooring.takehomes.models import (
    BottleStatus,
    ConcernKind,
    RecallOutcome,
    RecallStatus,
    TakeHomeBottle,
    TakeHomeRecall,
)
from mooring.takehomes.selectors import outstanding_bottles
from mooring.takehomes.services.returns import raise_concern


def takehome_recall_request(
    *, actor: Actor, patient: Patient, reason: str, due_by: datetime
) -> TakeHomeRecall:
    """Call the patient back with all their take-home bottles by ``due_by`` (prescriber).

    Refused when the patient holds no bottle (``no_bottles_out``) or already has an open
    recall (``recall_already_open``, also a database constraint).
    """
    clinic = require_patient_here(actor, patient, Capability.PRESCRIBE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("Say why the bottles are recalled."), code="required", field="reason"
        )
    if not isinstance(due_by, datetime) or due_by.tzinfo is None:
        raise ValidationFailed(
            _("Give the date and time the bottles are due, with a time zone."),
            code="naive_datetime",
            field="due_by",
        )
    requested_at = now()
    if due_by <= requested_at:
        raise ValidationFailed(
            _("The due time must be in the future."), code="due_in_past", field="due_by"
        )
    today = requested_at.astimezone(clinic.tz).date()
    with transaction.atomic():
        bottles = list(outstanding_bottles(patient, today).values_list("code", flat=True))
        if not bottles:
            raise ValidationFailed(
                _("This patient holds no take-home bottle to recall."), code="no_bottles_out"
            )
        try:
            with transaction.atomic():
                recall = TakeHomeRecall.objects.create(
                    patient=patient,
                    clinic=clinic,
                    reason=reason,
                    due_by=due_by,
                    requested_by=actor.user,
                    requested_at=requested_at,
                )
        except IntegrityError:
            raise Conflict(
                _("A recall is already open for this patient."), code="recall_already_open"
            ) from None
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="takehome_recall",
            object_id=recall.uuid,
            patient=patient,
            clinic=clinic,
            data_category=DataCategory.SUD_TREATMENT,
            detail={"due_by": due_by, "reason": reason, "bottles_out": bottles},
        )
    return recall


def takehome_recall_record(
    *,
    actor: Actor,
    recall: TakeHomeRecall,
    outcome: str,
    bottles_seen: Sequence[TakeHomeBottle],
    note: str = "",
    bottles_retained: Sequence[TakeHomeBottle] = (),
) -> TakeHomeRecall:
    """Record what the recall found (nurse).

    ``all_present`` needs every bottle the patient should hold to be in ``bottles_seen``;
    ``discrepancy`` and ``did_not_attend`` raise a concern for the prescriber. Bottles in
    ``bottles_retained`` (kept by the clinic) are checked in as ``recalled``; their contents
    are destroyed through the inventory's waste process, not put back in stock.
    """
    clinic = require_patient_here(actor, recall.patient, Capability.DISPENSE)
    if outcome not in RecallOutcome.values:
        raise ValidationFailed(
            _("Choose an outcome for the recall."), code="invalid_outcome", field="outcome"
        )
    note = (note or "").strip()
    if outcome != RecallOutcome.ALL_PRESENT and not note:
        raise ValidationFailed(_("Say what happened."), code="required", field="note")
    seen = {b.pk for b in bottles_seen}
    retained = {b.pk for b in bottles_retained}
    if outcome == RecallOutcome.DID_NOT_ATTEND and (seen or retained):
        raise ValidationFailed(
            _("No bottle can be seen when the patient did not come in."),
            code="bottles_without_visit",
            field="bottles_seen",
        )
    if not retained <= seen:
        raise ValidationFailed(
            _("A retained bottle must also be among the bottles seen."),
            code="retained_not_seen",
            field="bottles_retained",
        )
    with transaction.atomic():
        locked = (
            TakeHomeRecall.objects.select_for_update().select_related("patient").get(pk=recall.pk)
        )
        if locked.status != RecallStatus.OPEN:
            raise Conflict(_("This recall has already been recorded."), code="recall_recorded")
        patient = locked.patient
        if TakeHomeBottle.objects.filter(pk__in=seen).exclude(patient=patient).exists():
            raise ValidationFailed(
                _("A bottle seen belongs to another patient."),
                code="bottle_of_another_patient",
                field="bottles_seen",
            )
        recorded_at = now()
        expected = list(outstanding_bottles(patient, recorded_at.astimezone(clinic.tz).date()))
        missing = [b.code for b in expected if b.pk not in seen]
        if outcome == RecallOutcome.ALL_PRESENT and missing:
            raise ValidationFailed(
                _("Not every bottle was seen (missing: %(codes)s); record a discrepancy.")
                % {"codes": ", ".join(missing)},
                code="bottles_unaccounted",
                field="bottles_seen",
            )
        locked.status = RecallStatus.RECORDED
        locked.outcome = outcome
        locked.note = note
        locked.recorded_by = actor.user
        locked.recorded_at = recorded_at
        locked.save(update_fields=["status", "outcome", "note", "recorded_by", "recorded_at"])
        locked.bottles_seen.set(seen)
        if retained:
            TakeHomeBottle.objects.filter(pk__in=retained, status=BottleStatus.ISSUED).update(
                status=BottleStatus.RECALLED
            )
        concern = None
        if outcome != RecallOutcome.ALL_PRESENT:
            kind = (
                ConcernKind.RECALL_MISSED
                if outcome == RecallOutcome.DID_NOT_ATTEND
                else ConcernKind.RECALL_DISCREPANCY
            )
            message = _("Recall of %(day)s: %(what)s.") % {
                "day": locked.requested_at.astimezone(clinic.tz).date(),
                "what": ConcernKind(kind).label,
            }
            if missing:
                message += " " + _("Not seen: %(codes)s.") % {"codes": ", ".join(missing)}
            concern = raise_concern(
                actor, clinic, patient, kind, f"{message} {note}", recall=locked
            )
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type="takehome_recall",
            object_id=locked.uuid,
            patient=patient,
            clinic=clinic,
            data_category=DataCategory.SUD_TREATMENT,
            detail={
                "outcome": outcome,
                "bottles_seen": sorted(
                    TakeHomeBottle.objects.filter(pk__in=seen).values_list("code", flat=True)
                ),
                "missing": missing,
                "retained": sorted(
                    TakeHomeBottle.objects.filter(pk__in=retained).values_list("code", flat=True)
                ),
                "concern": None if concern is None else str(concern.uuid),
            },
        )
    return locked
