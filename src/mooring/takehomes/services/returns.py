"""Bottles coming back: the nurse's check-in, and the concerns a prescriber must review."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from mooring.accounts.capabilities import Capability
from mooring.accounts.models import Clinic
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
    ReturnOutcome,
    TakeHomeBottle,
    TakeHomeConcern,
    TakeHomeRecall,
    TakeHomeReturnCheck,
)


def takehome_return_check(
    *, actor: Actor, bottle: TakeHomeBottle, outcome: str, note: str = ""
) -> TakeHomeReturnCheck:
    """Check in a take-home bottle: returned empty, not returned, or returned tampered.

    A bottle is checked once (a second check is a Conflict). Not returned or tampered raises
    a concern for the prescriber (:func:`mooring.takehomes.selectors.open_concerns`); a
    tampered bottle needs a note saying what was seen.
    """
    clinic = require_patient_here(actor, bottle.patient, Capability.DISPENSE)
    if outcome not in ReturnOutcome.values:
        raise ValidationFailed(
            _("Choose returned empty, not returned or tampered."),
            code="invalid_outcome",
            field="outcome",
        )
    note = (note or "").strip()
    if outcome == ReturnOutcome.TAMPERED and not note:
        raise ValidationFailed(
            _("Say what was seen on the tampered bottle."), code="required", field="note"
        )
    with transaction.atomic():
        locked = TakeHomeBottle.objects.select_for_update().get(pk=bottle.pk)
        if locked.status != BottleStatus.ISSUED:
            raise Conflict(
                _("Bottle %(code)s has already been checked in (%(status)s).")
                % {"code": locked.code, "status": locked.get_status_display()},
                code="already_checked_in",
            )
        checked_at = now()
        check = TakeHomeReturnCheck.objects.create(
            bottle=locked,
            clinic=clinic,
            outcome=outcome,
            note=note,
            checked_by=actor.user,
            checked_at=checked_at,
        )
        locked.status = outcome
        locked.save(update_fields=["status"])
        concern = None
        if outcome != ReturnOutcome.RETURNED_EMPTY:
            kind = (
                ConcernKind.TAMPERED
                if outcome == ReturnOutcome.TAMPERED
                else ConcernKind.NOT_RETURNED
            )
            message = _("Take-home bottle %(code)s for %(day)s: %(what)s.") % {
                "code": locked.code,
                "day": locked.for_date,
                "what": ConcernKind(kind).label,
            }
            concern = raise_concern(
                actor,
                clinic,
                locked.patient,
                kind,
                message + (f" {note}" if note else ""),
                bottle=locked,
            )
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type="takehome_bottle",
            object_id=locked.uuid,
            patient=locked.patient,
            clinic=clinic,
            data_category=DataCategory.SUD_TREATMENT,
            detail={
                "code": locked.code,
                "for_date": locked.for_date,
                "outcome": outcome,
                "check": str(check.uuid),
                "concern": None if concern is None else str(concern.uuid),
            },
        )
    bottle.status = locked.status
    return check


def raise_concern(
    actor: Actor,
    clinic: Clinic,
    patient: Patient,
    kind: str,
    message: str,
    *,
    bottle: TakeHomeBottle | None = None,
    recall: TakeHomeRecall | None = None,
) -> TakeHomeConcern:
    """Open a concern for the prescriber; called inside the caller's audited transaction."""
    return TakeHomeConcern.objects.create(
        patient=patient,
        clinic=clinic,
        kind=kind,
        message=message,
        bottle=bottle,
        recall=recall,
        raised_by=actor.user,
        raised_at=now(),
    )


def takehome_concern_acknowledge(
    *, actor: Actor, concern: TakeHomeConcern, note: str = ""
) -> TakeHomeConcern:
    """The prescriber has seen the concern (and says what follows, e.g. a new assessment)."""
    require_patient_here(actor, concern.patient, Capability.PRESCRIBE)
    with transaction.atomic():
        locked = TakeHomeConcern.objects.select_for_update().get(pk=concern.pk)
        if locked.acknowledged_at is not None:
            raise Conflict(_("This concern was already acknowledged."), code="already_acknowledged")
        locked.acknowledged_by = actor.user
        locked.acknowledged_at = now()
        locked.acknowledgement_note = (note or "").strip()
        locked.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement_note"])
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type="takehome_concern",
            object_id=locked.uuid,
            patient=locked.patient,
            clinic=locked.clinic,
            data_category=DataCategory.SUD_TREATMENT,
            detail={"kind": locked.kind, "acknowledged": True},
        )
    return locked
