"""Reads of patient data. Every patient-scoped read starts at :func:`patient_for`."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.accounts.models import Clinic
from mooring.audit.models import Action, DataCategory, Outcome
from mooring.audit.services import record
from mooring.core import hooks
from mooring.core.context import Actor
from mooring.core.errors import CapabilityDenied, NotFoundOrForbidden, ValidationFailed
from mooring.core.time import today_at
from mooring.patients.models import Episode, Patient, PregnancyRecord


def access_clinic_ids(patient: Patient) -> set[int]:
    """The clinics whose staff may open this patient's record today."""
    today = today_at(patient.home_clinic.tz)
    return {patient.home_clinic_id} | hooks.extra_patient_clinic_ids(patient, today)


def require_patient_here(
    actor: Actor, patient: Patient, capability: Capability, *, home_only: bool = False
) -> Clinic:
    """The actor's clinic, once it may see this patient and the role allows ``capability``.

    The check every write service on a patient starts with (the read funnel is
    :func:`patient_for`). A patient of another clinic gets the same 404 as a missing one
    (Sam at Ridge never learns that a Harbor patient exists); a role that sees the patient
    but may not do this gets 403. ``home_only`` refuses a clinic that sees the patient only
    for a while (a guest dosing host): orders, for instance, are written at home.
    """
    clinic = actor.clinic
    if clinic is None or actor.user is None:
        raise ValidationFailed(_("Choose the clinic you are working at."), code="clinic_required")
    # The home clinic always sees its patients; only another clinic asks the providers.
    at_home = clinic.id == patient.home_clinic_id
    if (not at_home and clinic.id not in access_clinic_ids(patient)) or not access.can(
        actor.user, Capability.VIEW_DEMOGRAPHICS, clinic.id
    ):
        raise NotFoundOrForbidden()
    access.require(actor.user, capability, clinic.id)
    if home_only and clinic.id != patient.home_clinic_id:
        raise CapabilityDenied(
            _("Only the person's home clinic writes their orders."), code="home_clinic_only"
        )
    return clinic


def patient_for(
    actor: Actor,
    patient_uuid: object,
    capability: Capability = Capability.VIEW_CLINICAL,
    *,
    purpose: str = "chart",
    audit: bool = True,
) -> Patient:
    """Fetch a patient the actor may see, check the capability, and audit the read.

    "Missing" and "at a clinic you don't work at" give the same 404; a patient the actor
    can see but whose detail their role may not read gives 403 (and is audited as denied).
    """
    user = actor.user
    try:
        patient = Patient.objects.select_related("home_clinic", "program").get(uuid=patient_uuid)
    except (Patient.DoesNotExist, ValueError, TypeError):
        raise NotFoundOrForbidden() from None
    clinic_ids = access_clinic_ids(patient)
    visible = [cid for cid in clinic_ids if access.can(user, Capability.VIEW_DEMOGRAPHICS, cid)]
    if not visible:
        raise NotFoundOrForbidden()
    allowed = [cid for cid in clinic_ids if access.can(user, capability, cid)]
    category = _category_for(capability)
    if not allowed:
        record(actor=actor, action=Action.READ, object_type="patient", object_id=patient.uuid,
               patient=patient, data_category=category, outcome=Outcome.DENIED,
               detail={"purpose": purpose, "capability": str(capability)})
        raise CapabilityDenied("Your role does not allow you to see this part of the record.",
                               code="capability_denied")
    if audit:
        record(actor=actor, action=Action.READ, object_type="patient", object_id=patient.uuid,
               patient=patient, data_category=category, detail={"purpose": purpose})
    return patient


def _category_for(capability: Capability) -> DataCategory:
    if capability in (Capability.VIEW_DEMOGRAPHICS, Capability.REGISTER_PATIENT,
                      Capability.SEARCH_PATIENTS):
        return DataCategory.DEMOGRAPHICS
    return DataCategory.SUD_TREATMENT


def visible_patients(actor: Actor) -> QuerySet[Patient]:
    """Patients whose home clinic lets the actor see demographics."""
    clinic_ids = access.clinic_ids_with(actor.user, Capability.VIEW_DEMOGRAPHICS)
    return Patient.objects.filter(home_clinic_id__in=clinic_ids).select_related("home_clinic")


def open_episode(patient: Patient) -> Episode | None:
    return patient.episodes.filter(discharged_on__isnull=True).select_related("clinic").first()


def current_pregnancy(patient: Patient) -> PregnancyRecord | None:
    return patient.pregnancies.first()
