"""Who may act on this patient's take-homes here: the one clinic check the services share."""

from __future__ import annotations

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.accounts.models import Clinic
from mooring.core.context import Actor
from mooring.core.errors import NotFoundOrForbidden, ValidationFailed
from mooring.patients.models import Patient
from mooring.patients.selectors import access_clinic_ids


def require_patient_here(actor: Actor, patient: Patient, capability: Capability) -> Clinic:
    """The actor's clinic, once it may see this patient and the role allows ``capability``.

    Checked before anything else in every service: a patient of another clinic gets the
    same 404 as a missing one (Sam at Ridge never learns that a Harbor patient exists); a
    role that sees the patient but may not do this gets 403.
    """
    clinic = actor.clinic
    if clinic is None or actor.user is None:
        raise ValidationFailed("Choose the clinic you are working at.", code="clinic_required")
    if clinic.id not in access_clinic_ids(patient) or not access.can(
        actor.user, Capability.VIEW_DEMOGRAPHICS, clinic.id
    ):
        raise NotFoundOrForbidden()
    access.require(actor.user, capability, clinic.id)
    return clinic
