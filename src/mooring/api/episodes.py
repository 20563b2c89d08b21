"""Episodes of care: list, admit (or readmit) and discharge. Clinical: not for front desk."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Status

from mooring.accounts.capabilities import Capability
from mooring.api.auth import actor_from_api_request
from mooring.api.patients import clinic_ref
from mooring.api.schemas import EpisodeAdmit, EpisodeDischarge, EpisodeList, EpisodeOut, Problem
from mooring.core.errors import CapabilityDenied, NotFoundOrForbidden
from mooring.patients.models import Episode
from mooring.patients.selectors import patient_for
from mooring.patients.services import episode_admit, episode_discharge, episode_readmit

router = Router(tags=["episodes"])

_ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}
_RELATED = ("clinic", "patient", "admitted_by", "discharged_by", "readmission_of")


def staff_ref(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"uuid": user.uuid, "name": user.display_name or user.get_username()}


def episode_out(episode: Episode) -> dict[str, Any]:
    return {
        "uuid": episode.uuid,
        "patient_uuid": episode.patient.uuid,
        "clinic": clinic_ref(episode.clinic),
        "program_type": episode.program_type,
        "admitted_on": episode.admitted_on,
        "admitted_by": staff_ref(episode.admitted_by),
        "readmission_of": episode.readmission_of.uuid if episode.readmission_of else None,
        "is_open": episode.is_open,
        "discharged_on": episode.discharged_on,
        "discharge_reason": episode.discharge_reason or None,
        "discharge_note": episode.discharge_note,
        "discharged_by": staff_ref(episode.discharged_by),
    }


def _reloaded(episode: Episode) -> Episode:
    return Episode.objects.select_related(*_RELATED).get(pk=episode.pk)


@router.get(
    "/patients/{patient_uuid}/episodes",
    response={200: EpisodeList, **_ERRORS},
    summary="List a patient's episodes of care, newest first",
)
def episode_list(request: HttpRequest, patient_uuid: UUID) -> dict[str, Any]:
    actor = actor_from_api_request(request)
    patient = patient_for(actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="episodes")
    episodes = list(patient.episodes.select_related(*_RELATED).order_by("-admitted_on", "-id"))
    return {"count": len(episodes), "items": [episode_out(e) for e in episodes]}


@router.post(
    "/patients/{patient_uuid}/episodes",
    response={201: EpisodeOut, **_ERRORS},
    summary="Admit a patient at the acting clinic (a readmission if they had an earlier episode)",
)
def episode_create(request: HttpRequest, patient_uuid: UUID, payload: EpisodeAdmit) -> Status:
    actor = actor_from_api_request(request)
    # The admission itself is audited; the lookup is an access check, not a read.
    patient = patient_for(
        actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="admit", audit=False
    )
    if actor.clinic is None:
        raise CapabilityDenied("You hold no role at any clinic.", code="capability_denied")
    admit = (
        episode_readmit
        if patient.episodes.filter(discharged_on__isnull=False).exists()
        else episode_admit
    )
    episode = admit(
        actor=actor,
        patient=patient,
        clinic=actor.clinic,
        program_type=payload.program_type.value,
        admitted_on=payload.admitted_on,
    )
    return Status(201, episode_out(_reloaded(episode)))


@router.post(
    "/episodes/{episode_uuid}/discharge",
    response={200: EpisodeOut, **_ERRORS},
    summary="Discharge an open episode",
)
def episode_close(
    request: HttpRequest, episode_uuid: UUID, payload: EpisodeDischarge
) -> dict[str, Any]:
    actor = actor_from_api_request(request)
    episode = Episode.objects.select_related("patient").filter(uuid=episode_uuid).first()
    if episode is None:
        raise NotFoundOrForbidden()
    # Same 404 as a missing episode when the patient is at a clinic the caller can't see.
    patient_for(
        actor, episode.patient.uuid, Capability.VIEW_CLINICAL, purpose="discharge", audit=False
    )
    episode = episode_discharge(
        actor=actor,
        episode=episode,
        discharged_on=payload.discharged_on,
        reason=payload.reason.value,
        note=payload.note,
    )
    return episode_out(_reloaded(episode))
