"""Orders, observed doses and the day's dosing queue, through the medications services.

Prescribers draft, sign, change and end orders; nurses dispense. Every patient-scoped call
starts at ``patient_for`` (a patient at another clinic is the same 404 as a missing one);
the services then check the capability (PRESCRIBE, DISPENSE) at the acting clinic.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.api.auth import actor_from_api_request
from mooring.api.episodes import staff_ref
from mooring.api.errors import problem_response
from mooring.api.patients import clinic_ref
from mooring.api.schemas import Problem
from mooring.api.schemas_dosing import (
    DoseCreate,
    DoseList,
    DoseOut,
    DoseQuery,
    OrderChange,
    OrderCreate,
    OrderEnd,
    OrderList,
    OrderOut,
    OrderSign,
    Queue,
    QueueQuery,
)
from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import CapabilityDenied, NotFoundOrForbidden, ValidationFailed
from mooring.core.time import today_at
from mooring.inventory.models import StockBottle
from mooring.medications.models import DoseAdministration, MedicationOrder
from mooring.medications.rules_bridge import RuleRefused
from mooring.medications.selectors import QueueEntry, dosing_queue, order_history
from mooring.medications.services import (
    OrderDraft,
    dose_dispense,
    order_change,
    order_draft,
    order_end,
    order_sign,
)
from mooring.patients.selectors import patient_for

router = Router(tags=["medications"])

IDEMPOTENCY_HEADER = "Idempotency-Key"
_ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}
_ORDER_RELATED = ("patient", "clinic", "created_by", "prescriber", "supersedes")
_DOSE_RELATED = ("patient", "order", "clinic", "nurse", "stock_bottle")


def order_out(order: MedicationOrder) -> dict[str, Any]:
    return {
        "uuid": order.uuid,
        "patient_uuid": order.patient.uuid,
        "clinic": clinic_ref(order.clinic),
        "medication": order.medication,
        "form": order.form,
        "phase": order.phase,
        "daily_dose_mg": order.daily_dose_mg,
        "per_administration_mg": order.per_administration_mg,
        "split": order.split,
        "observed": order.observed,
        "start_date": order.start_date,
        "end_date": order.end_date,
        "status": order.status,
        "created_by": staff_ref(order.created_by),
        "prescriber": staff_ref(order.prescriber),
        "signed_at": order.signed_at,
        "protocol_profile": order.protocol_profile,
        "rule_findings": order.rule_findings,
        "override_reason": order.override_reason,
        "override_rule_codes": order.override_rule_codes,
        "supersedes": order.supersedes.uuid if order.supersedes else None,
        "end_reason": order.end_reason,
        "last_opioid": order.last_opioid or None,
        "last_opioid_use_at": order.last_opioid_use_at,
        "cows_score": order.cows_score,
        "naloxone_challenge": order.naloxone_challenge or None,
    }


def dose_out(dose: DoseAdministration) -> dict[str, Any]:
    return {
        "uuid": dose.uuid,
        "patient_uuid": dose.patient.uuid,
        "order_uuid": dose.order.uuid,
        "medication": dose.order.medication,
        "clinic": clinic_ref(dose.clinic),
        "service_date": dose.service_date,
        "administered_at": dose.administered_at,
        "amount_mg": dose.amount_mg,
        "administration_index": dose.administration_index,
        "kind": dose.kind,
        "nurse": staff_ref(dose.nurse),
        "stock_bottle": dose.stock_bottle.uuid if dose.stock_bottle else None,
        "back_entered": dose.back_entered,
        "entered_at": dose.entered_at,
    }


def queue_entry_out(entry: QueueEntry) -> dict[str, Any]:
    patient, order = entry.patient, entry.order
    return {
        "patient": {
            "uuid": patient.uuid,
            "mrn": patient.mrn,
            "display_name": patient.display_name,
            "date_of_birth": patient.date_of_birth,
        },
        "order": {
            "uuid": order.uuid,
            "medication": order.medication,
            "form": order.form,
            "phase": order.phase,
            "daily_dose_mg": order.daily_dose_mg,
            "per_administration_mg": order.per_administration_mg,
            "split": order.split,
        },
        "status": entry.status,
        "remaining": entry.remaining,
        "blocker": (
            {"code": entry.blocker.code, "message": entry.blocker.message}
            if entry.blocker is not None and entry.remaining
            else None
        ),
        "doses": [
            {
                "uuid": d.uuid,
                "administration_index": d.administration_index,
                "amount_mg": d.amount_mg,
                "administered_at": d.administered_at,
            }
            for d in entry.doses
        ],
    }


def _reloaded(order: MedicationOrder) -> MedicationOrder:
    return MedicationOrder.objects.select_related(*_ORDER_RELATED).get(pk=order.pk)


def _order_for(actor: Actor, order_uuid: UUID, purpose: str) -> MedicationOrder:
    """The order, once its patient is someone the caller may see (else the same 404)."""
    order = MedicationOrder.objects.select_related(*_ORDER_RELATED).filter(uuid=order_uuid).first()
    if order is None:
        raise NotFoundOrForbidden()
    patient_for(actor, order.patient.uuid, Capability.VIEW_CLINICAL, purpose=purpose, audit=False)
    return order


def _rule_refused(request: HttpRequest, refused: RuleRefused) -> HttpResponse:
    """The rules core's refusal, saying whether a prescriber's reason may override it."""
    return problem_response(
        request,
        status=refused.status,
        code=refused.code,
        detail=refused.message,
        errors=refused.problems,
        extra={"overridable": refused.overridable, "profile": refused.check.profile},
    )


# --- orders --------------------------------------------------------------------------------


@router.get(
    "/patients/{patient_uuid}/orders",
    response={200: OrderList, **_ERRORS},
    summary="List a patient's medication orders, newest first (drafts included)",
)
def order_list(request: HttpRequest, patient_uuid: UUID) -> dict[str, Any]:
    actor = actor_from_api_request(request)
    patient = patient_for(actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="orders")
    orders = list(order_history(patient).select_related("clinic", "patient"))
    return {"count": len(orders), "items": [order_out(o) for o in orders]}


@router.get("/orders/{order_uuid}", response={200: OrderOut, **_ERRORS}, summary="Read one order")
def order_read(request: HttpRequest, order_uuid: UUID) -> dict[str, Any]:
    actor = actor_from_api_request(request)
    order = _order_for(actor, order_uuid, "order")
    record(
        actor=actor,
        action=Action.READ,
        object_type="medication_order",
        object_id=order.uuid,
        patient=order.patient,
        data_category=DataCategory.SUD_TREATMENT,
        detail={"purpose": "api"},
    )
    return order_out(order)


@router.post(
    "/patients/{patient_uuid}/orders",
    response={201: OrderOut, **_ERRORS},
    summary="Draft an order at the acting clinic (unsigned: never dispensable)",
)
def order_create(request: HttpRequest, patient_uuid: UUID, payload: OrderCreate) -> Status:
    actor = actor_from_api_request(request)
    patient = patient_for(
        actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="order_draft", audit=False
    )
    context = payload.start_context()
    data = OrderDraft(
        medication=payload.medication.value,
        form=payload.form.value,
        phase=payload.phase.value,
        daily_dose_mg=payload.daily_dose_mg,
        start_date=payload.start_date,
        split=payload.split,
        observed=payload.observed,
        end_date=payload.end_date,
        last_opioid=context["last_opioid"] or "",
        last_opioid_use_at=context["last_opioid_use_at"],
        cows_score=context["cows_score"],
        naloxone_challenge=context["naloxone_challenge"] or "",
    )
    order = order_draft(actor=actor, patient=patient, data=data)
    return Status(201, order_out(_reloaded(order)))


@router.post(
    "/orders/{order_uuid}/sign",
    response={200: OrderOut, **_ERRORS},
    summary="Sign a draft after the protocol profile's checks (override with a reason)",
)
def order_sign_endpoint(
    request: HttpRequest, order_uuid: UUID, payload: OrderSign
) -> dict[str, Any] | HttpResponse:
    actor = actor_from_api_request(request)
    order = _order_for(actor, order_uuid, "order_sign")
    try:
        order = order_sign(actor=actor, order=order, override_reason=payload.override_reason)
    except RuleRefused as refused:
        return _rule_refused(request, refused)
    return order_out(_reloaded(order))


@router.post(
    "/orders/{order_uuid}/change",
    response={201: OrderOut, **_ERRORS},
    summary="Replace a signed order from a date: the new order is signed, the old one ends",
)
def order_change_endpoint(
    request: HttpRequest, order_uuid: UUID, payload: OrderChange
) -> Status | HttpResponse:
    actor = actor_from_api_request(request)
    previous = _order_for(actor, order_uuid, "order_change")
    try:
        new = order_change(
            actor=actor,
            previous=previous,
            start_date=payload.start_date,
            daily_dose_mg=payload.daily_dose_mg,
            split=payload.split,
            phase=payload.phase.value if payload.phase else None,
            form=payload.form.value if payload.form else None,
            observed=payload.observed,
            end_date=payload.end_date,
            override_reason=payload.override_reason,
            **payload.start_context(),
        )
    except RuleRefused as refused:
        return _rule_refused(request, refused)
    return Status(201, order_out(_reloaded(new)))


@router.post(
    "/orders/{order_uuid}/end",
    response={200: OrderOut, **_ERRORS},
    summary="End a signed order from a date (the last dose day is the day before)",
)
def order_end_endpoint(request: HttpRequest, order_uuid: UUID, payload: OrderEnd) -> dict[str, Any]:
    actor = actor_from_api_request(request)
    order = _order_for(actor, order_uuid, "order_end")
    order = order_end(actor=actor, order=order, end_date=payload.end_date, reason=payload.reason)
    return order_out(_reloaded(order))


# --- doses ---------------------------------------------------------------------------------


@router.get(
    "/patients/{patient_uuid}/doses",
    response={200: DoseList, **_ERRORS},
    summary="A patient's dose administrations, newest first",
)
def dose_list(request: HttpRequest, patient_uuid: UUID, params: Query[DoseQuery]) -> dict[str, Any]:
    actor = actor_from_api_request(request)
    patient = patient_for(actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="doses")
    doses = patient.doses.select_related(*_DOSE_RELATED).order_by("-administered_at", "-id")
    if params.since is not None:
        doses = doses.filter(service_date__gte=params.since)
    if params.until is not None:
        doses = doses.filter(service_date__lte=params.until)
    items = list(doses[: params.limit])
    return {"count": len(items), "items": [dose_out(d) for d in items]}


@router.post(
    "/orders/{order_uuid}/doses",
    response={201: DoseOut, **_ERRORS},
    summary="Give one observed administration of the order (idempotent with a request key)",
)
def dose_create(
    request: HttpRequest, response: HttpResponse, order_uuid: UUID, payload: DoseCreate
) -> Status:
    actor = actor_from_api_request(request)
    key = _request_key(request, payload)
    order = _order_for(actor, order_uuid, "dispense")
    bottle = (
        StockBottle.objects.select_related("product", "clinic")
        .filter(uuid=payload.stock_bottle, clinic=actor.clinic)
        .first()
    )
    if bottle is None:
        raise ValidationFailed(
            _("There is no such bottle in this clinic's stock."),
            code="unknown_bottle",
            field="stock_bottle",
        )
    seen = DoseAdministration.objects.filter(idempotency_key=key).exists()
    dose = dose_dispense(
        actor=actor,
        order=order,
        amount_mg=payload.amount_mg,
        stock_bottle=bottle,
        idempotency_key=key,
        administered_at=payload.administered_at,
        administration_index=payload.administration_index,
        back_entered=payload.back_entered,
    )
    dose = DoseAdministration.objects.select_related(*_DOSE_RELATED).get(pk=dose.pk)
    if seen:
        # A retry answers exactly as the first request did, and says it is a replay.
        response["Idempotent-Replayed"] = "true"
    return Status(201, dose_out(dose))


def _request_key(request: HttpRequest, payload: DoseCreate) -> str:
    header = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    body = (payload.idempotency_key or "").strip()
    if header and body and header != body:
        raise ValidationFailed(
            _("The Idempotency-Key header and the idempotency_key field differ."),
            code="idempotency_key_mismatch",
            field="idempotency_key",
        )
    return header or body


# --- the queue -----------------------------------------------------------------------------


@router.get(
    "/queue",
    response={200: Queue, **_ERRORS},
    summary="The day's dosing queue at the acting clinic: who is due, dosed or held",
)
def queue(request: HttpRequest, params: Query[QueueQuery]) -> dict[str, Any]:
    actor = actor_from_api_request(request)
    clinic = actor.clinic
    if clinic is None or not (
        access.can(actor.user, Capability.DISPENSE, clinic.id)
        or access.can(actor.user, Capability.PRESCRIBE, clinic.id)
    ):
        raise CapabilityDenied(
            _("Only nurses and prescribers of this clinic see its dosing queue."),
            code="capability_denied",
        )
    service_date = params.date or today_at(clinic.tz)
    entries = dosing_queue(clinic, service_date)
    # One event for the whole list, as a search is recorded: who saw whose doses.
    record(
        actor=actor,
        action=Action.READ,
        object_type="dosing_queue",
        clinic=clinic,
        data_category=DataCategory.SUD_TREATMENT,
        detail={"service_date": service_date, "patients": len(entries)},
    )
    counts = Counter(entry.status for entry in entries)
    return {
        "clinic": clinic_ref(clinic),
        "service_date": service_date,
        "count": len(entries),
        "counts": dict(sorted(counts.items())),
        "items": [queue_entry_out(e) for e in entries],
    }
