"""Who may act on this patient here: the clinic check every medication service shares."""

from __future__ import annotations

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.accounts.models import Clinic
from mooring.core.context import Actor
from mooring.core.errors import CapabilityDenied, NotFoundOrForbidden, ValidationFailed
from mooring.patients.models import Patient
from mooring.patients.selectors import access_clinic_ids


def require_patient_here(
    actor: Actor, patient: Patient, capability: Capability, *, home_only: bool = False
) -> Clinic:
    """The actor's clinic, once it may see this patient and the role allows ``capability``.

    A patient of another clinic gets the same 404 as a missing one (Sam at Ridge never
    learns that a Harbor patient exists). ``home_only`` refuses a clinic that sees the
    patient only for a while (a guest dosing host): orders are written at home.
    """
    clinic = actor.clinic
    if clinic is None:
        raise ValidationFailed("Choose the clinic you are working at.", code="clinic_required")
    if clinic.id not in access_clinic_ids(patient) or not access.can(
        actor.user, Capability.VIEW_DEMOGRAPHICS, clinic.id
    ):
        raise NotFoundOrForbidden()
    access.require(actor.user, capability, clinic.id)
    if home_only and clinic.id != patient.home_clinic_id:
        raise CapabilityDenied(
            "Only the person's home clinic writes their orders.", code="home_clinic_only"
        )
    return clinic
