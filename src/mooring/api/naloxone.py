"""Naloxone: the chart panel (last kit, offer due), handing out kits, declined offers.

Kits go to the patient or a household member; a prescription-only product needs the
patient's signed naloxone order. An offer that did not end in a kit is recorded too, so
the panel stops asking. Every call starts at ``patient_for``; the services audit.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Status

from mooring.accounts.capabilities import Capability
from mooring.api.auth import actor_from_api_request
from mooring.api.episodes import staff_ref
from mooring.api.patients import clinic_ref
from mooring.api.schemas import Problem
from mooring.api.schemas_treatment import KitGive, KitOut, NaloxoneChart, OfferOut, OfferRecord
from mooring.naloxone.models import PRODUCTS, NaloxoneKit, NaloxoneOfferRecord, product_key
from mooring.naloxone.selectors import naloxone_status
from mooring.naloxone.services import naloxone_kit_give, naloxone_offer_record
from mooring.patients.selectors import patient_for

router = Router(tags=["naloxone"])

_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
_KIT_RELATED = ("patient", "clinic", "order", "given_by")


def kit_out(kit: NaloxoneKit) -> dict[str, Any]:
    product = PRODUCTS.get(kit.product)
    return {
        "uuid": kit.uuid,
        "patient_uuid": kit.patient.uuid,
        "clinic": clinic_ref(kit.clinic),
        "recipient": kit.recipient,
        "recipient_name": kit.recipient_name,
        "recipient_relationship": kit.recipient_relationship,
        "product": kit.product,
        "product_name": product.name if product else kit.product,
        "quantity": kit.quantity,
        "lot": kit.lot,
        "expiry": kit.expiry,
        "order_uuid": kit.order.uuid if kit.order else None,
        "given_at": kit.given_at,
        "given_by": staff_ref(kit.given_by),
        "training_recorded": kit.training_recorded,
        "training_note": kit.training_note,
        "note": kit.note,
        "entered_at": kit.entered_at,
    }


def offer_out(row: NaloxoneOfferRecord) -> dict[str, Any]:
    return {
        "uuid": row.uuid,
        "patient_uuid": row.patient.uuid,
        "clinic": clinic_ref(row.clinic),
        "event": row.event,
        "outcome": row.outcome,
        "note": row.note,
        "offered_at": row.offered_at,
        "offered_by": staff_ref(row.offered_by),
    }


def _offer_due(offer: Any) -> dict[str, Any]:
    return {
        "offer_to_household": offer.offer_to_household,
        "products": [product_key(p) for p in offer.products],
        "findings": [
            {
                "code": f.code,
                "severity": str(f.severity),
                "message": f.message,
                "evidence": list(f.evidence),
                "profile": f.profile,
                "overridable": f.overridable,
            }
            for f in offer.findings
        ],
    }


@router.get(
    "/patients/{patient_uuid}/naloxone",
    response={200: NaloxoneChart, **_ERRORS},
    summary="A patient's naloxone: kits given, offers declined, and whether an offer is due",
)
def naloxone_chart(request: HttpRequest, patient_uuid: UUID) -> dict[str, Any]:
    actor = actor_from_api_request(request)
    patient = patient_for(actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="naloxone")
    status = naloxone_status(patient)
    kits = list(
        NaloxoneKit.objects.filter(patient=patient)
        .select_related(*_KIT_RELATED)
        .order_by("-given_at", "-id")
    )
    offers = list(
        NaloxoneOfferRecord.objects.filter(patient=patient)
        .select_related("patient", "clinic", "offered_by")
        .order_by("-offered_at", "-id")
    )
    return {
        "kits_given": status.kits_given,
        "no_kit_on_record": status.no_kit_on_record,
        "last_kit": kit_out(kits[0]) if kits else None,
        "last_offer": status.last_offer,
        "event": str(status.event) if status.event else None,
        "event_date": status.event_date,
        "offer_due": status.offer_due,
        "offer": _offer_due(status.offer) if status.offer_due else None,
        "kits": [kit_out(k) for k in kits],
        "offers": [offer_out(o) for o in offers],
    }


@router.post(
    "/patients/{patient_uuid}/naloxone/kits",
    response={201: KitOut, **_ERRORS},
    summary="Hand out naloxone to the patient or a household member",
)
def naloxone_kit_create(request: HttpRequest, patient_uuid: UUID, payload: KitGive) -> Status:
    actor = actor_from_api_request(request)
    # The kit itself is audited; the lookup is an access check, not a read.
    patient = patient_for(
        actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="naloxone_kit", audit=False
    )
    kit = naloxone_kit_give(
        actor=actor,
        patient=patient,
        product=payload.product.value,
        quantity=payload.quantity,
        lot=payload.lot,
        expiry=payload.expiry,
        given_at=payload.given_at,
        recipient=payload.recipient.value,
        recipient_name=payload.recipient_name,
        recipient_relationship=payload.recipient_relationship,
        training_recorded=payload.training_recorded,
        training_note=payload.training_note,
        note=payload.note,
    )
    kit = NaloxoneKit.objects.select_related(*_KIT_RELATED).get(pk=kit.pk)
    return Status(201, kit_out(kit))


@router.post(
    "/patients/{patient_uuid}/naloxone/offers",
    response={201: OfferOut, **_ERRORS},
    summary="Record an offer of naloxone that was declined (or the person already has some)",
)
def naloxone_offer_create(request: HttpRequest, patient_uuid: UUID, payload: OfferRecord) -> Status:
    actor = actor_from_api_request(request)
    patient = patient_for(
        actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="naloxone_offer", audit=False
    )
    row = naloxone_offer_record(
        actor=actor,
        patient=patient,
        event=payload.event.value,
        outcome=payload.outcome.value,
        note=payload.note,
    )
    row = NaloxoneOfferRecord.objects.select_related("patient", "clinic", "offered_by").get(
        pk=row.pk
    )
    return Status(201, offer_out(row))
