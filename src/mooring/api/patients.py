"""/patients: search, read, register and edit demographics, as the pages do."""

from __future__ import annotations

from dataclasses import fields
from enum import Enum
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja import Schema as _Schema
from pydantic import Field

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.api.auth import actor_from_api_request
from mooring.api.schemas import (
    PatientCreate,
    PatientList,
    PatientOut,
    PatientPatch,
    Problem,
)
from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import CapabilityDenied, ProblemSet
from mooring.patients.models import Patient
from mooring.patients.search import search_patients
from mooring.patients.selectors import patient_for, visible_patients
from mooring.patients.services import (
    Demographics,
    PossibleDuplicate,
    patient_register,
    patient_update,
)

router = Router(tags=["patients"])

DEMOGRAPHIC_FIELDS = [f.name for f in fields(Demographics)]
_REQUIRED = {"legal_given_name", "legal_family_name", "date_of_birth", "sex_at_birth", "payer"}
_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


class SearchParams(_Schema):
    q: str = Field(
        ...,
        min_length=1,
        max_length=200,
        description="Name, MRN or date of birth (YYYY-MM-DD, MM/DD/YYYY); typos "
        "and accents are forgiven.",
    )


def plain(values: dict[str, Any]) -> dict[str, Any]:
    """Enum members back to their stored values, as the form would pass them."""
    return {k: v.value if isinstance(v, Enum) else v for k, v in values.items()}


def clinic_ref(clinic: Any) -> dict[str, Any]:
    return {"uuid": clinic.uuid, "name": clinic.name}


def patient_summary(patient: Patient) -> dict[str, Any]:
    return {
        "uuid": patient.uuid,
        "mrn": patient.mrn,
        "display_name": patient.display_name,
        "legal_given_name": patient.legal_given_name,
        "legal_family_name": patient.legal_family_name,
        "preferred_name": patient.preferred_name,
        "pronouns": patient.pronouns,
        "date_of_birth": patient.date_of_birth,
        "home_clinic": clinic_ref(patient.home_clinic),
    }


def patient_out(patient: Patient) -> dict[str, Any]:
    data = {name: getattr(patient, name) for name in DEMOGRAPHIC_FIELDS}
    data.update(
        uuid=patient.uuid,
        mrn=patient.mrn,
        display_name=patient.display_name,
        has_photo=bool(patient.photo),
        home_clinic=clinic_ref(patient.home_clinic),
        created_at=patient.created_at,
        updated_at=patient.updated_at,
    )
    return data


def _require_here(actor: Actor, capability: Capability) -> None:
    clinic_id = actor.clinic.id if actor.clinic else None
    if not access.can(actor.user, capability, clinic_id):
        raise CapabilityDenied(
            _("Your role here does not allow this (%(what)s).") % {"what": capability.label},
            code="capability_denied",
        )


def _search(actor: Actor, raw_query: str) -> list[Patient]:
    _require_here(actor, Capability.SEARCH_PATIENTS)
    found = search_patients(visible_patients(actor), raw_query)
    # One event for the whole search, as the pages record it: who looked for whom.
    record(
        actor=actor,
        action=Action.READ,
        object_type="patient_search",
        data_category=DataCategory.DEMOGRAPHICS,
        detail={"query": raw_query[:200], "results": [p.mrn for p in found]},
    )
    return found


def _visible_only(actor: Actor, duplicate: PossibleDuplicate) -> PossibleDuplicate:
    """Name only the candidates the caller may open; count the others (as the form does)."""
    ids = set(
        visible_patients(actor)
        .filter(pk__in=[p.pk for p in duplicate.candidates])
        .values_list("pk", flat=True)
    )
    shown = [p for p in duplicate.candidates if p.pk in ids]
    duplicate.hidden_count = len(duplicate.candidates) - len(shown)  # type: ignore[attr-defined]
    duplicate.candidates = shown
    return duplicate


@router.get("", response={200: PatientList, **_ERRORS}, summary="Search patients")
def search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    actor = actor_from_api_request(request)
    found = _search(actor, params.q)
    return {"count": len(found), "items": [patient_summary(p) for p in found]}


@router.get(
    "/{patient_uuid}",
    response={200: PatientOut, **_ERRORS},
    summary="Read a patient's demographics",
)
def read(request: HttpRequest, patient_uuid: UUID) -> dict[str, Any]:
    actor = actor_from_api_request(request)
    patient = patient_for(actor, patient_uuid, Capability.VIEW_DEMOGRAPHICS, purpose="api")
    return patient_out(patient)


@router.post(
    "",
    response={201: PatientOut, 409: Problem, **_ERRORS},
    summary="Register a patient at the acting clinic",
)
def create(request: HttpRequest, payload: PatientCreate) -> Status:
    actor = actor_from_api_request(request)
    values = plain(payload.model_dump(exclude={"duplicates_reviewed"}))
    _require_here(actor, Capability.REGISTER_PATIENT)
    try:
        patient = patient_register(
            actor=actor,
            clinic=actor.clinic,
            data=Demographics(**values),
            duplicates_reviewed=payload.duplicates_reviewed,
        )
    except PossibleDuplicate as duplicate:
        raise _visible_only(actor, duplicate) from None
    return Status(201, patient_out(patient))


@router.patch(
    "/{patient_uuid}",
    response={200: PatientOut, **_ERRORS},
    summary="Change some of a patient's demographics",
)
def update(request: HttpRequest, patient_uuid: UUID, payload: PatientPatch) -> dict[str, Any]:
    actor = actor_from_api_request(request)
    patient = patient_for(
        actor, patient_uuid, Capability.REGISTER_PATIENT, purpose="edit", audit=False
    )
    given = plain(payload.model_dump(exclude_unset=True))
    problems = ProblemSet()
    for name in sorted(_REQUIRED & {k for k, v in given.items() if v is None}):
        problems.add(name, "required", _("This field cannot be empty."))
    problems.raise_if_any()
    values = {name: getattr(patient, name) for name in DEMOGRAPHIC_FIELDS}
    values.update({name: "" if value is None else value for name, value in given.items()})
    patient = patient_update(actor=actor, patient=patient, data=Demographics(**values))
    return patient_out(patient)
