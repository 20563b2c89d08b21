"""Take-home doses: eligibility, the prescriber's assessment, hand-overs, labels, returns, recalls.

The rules core decides how many days may go home (``takehome_issue`` asks it again at every
hand-over); the take-homes services check who may act and audit. Every patient-scoped call
starts at ``patient_for`` (a patient at another clinic is the same 404 as a missing one), and
the services then check the capability at the acting clinic: DISPENSE to hand over, print,
check in and record a recall; PRESCRIBE to assess and to call bottles back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar
from urllib.parse import urlencode
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.accounts.models import Clinic
from mooring.api.auth import actor_from_api_request
from mooring.api.episodes import staff_ref
from mooring.api.medications import IDEMPOTENCY_HEADER
from mooring.api.patients import clinic_ref
from mooring.api.schemas import Problem
from mooring.api.schemas_takehomes import (
    AssessmentCreate,
    AssessmentOut,
    ConcernAcknowledge,
    ConcernOut,
    RecallCreate,
    RecallOut,
    RecallOutcomeCreate,
    RecallRecorded,
    ReturnCreate,
    ReturnOut,
    TakeHomeIssueCreate,
    TakeHomeIssueOut,
    TakeHomes,
    Worklist,
    WorklistQuery,
)
from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import CapabilityDenied, NotFoundOrForbidden, ValidationFailed
from mooring.core.time import today_at
from mooring.inventory.models import StockBottle
from mooring.medications.models import MedicationOrder, OrderStatus
from mooring.patients.models import Patient
from mooring.patients.selectors import patient_for
from mooring.takehomes import rules_bridge
from mooring.takehomes.models import (
    BottleStatus,
    TakeHomeBottle,
    TakeHomeConcern,
    TakeHomeCriteriaAssessment,
    TakeHomeIssue,
    TakeHomeRecall,
)
from mooring.takehomes.selectors import (
    TakeHomeDue,
    latest_assessment,
    open_concerns,
    open_recall_for,
    open_recalls,
    outstanding_bottles,
    returns_due,
    takehomes_due,
)
from mooring.takehomes.services import (
    takehome_assessment_record,
    takehome_concern_acknowledge,
    takehome_issue,
    takehome_labels_print,
    takehome_recall_record,
    takehome_recall_request,
    takehome_return_check,
)

router = Router(tags=["take-homes"])
_Row = TypeVar("_Row", TakeHomeBottle, TakeHomeRecall, TakeHomeConcern)

_ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}
_BOTTLE_RELATED = ("patient", "order", "stock_bottle", "issued_by")
_RECALL_RELATED = ("patient", "clinic", "requested_by", "recorded_by")
_CONCERN_RELATED = ("patient", "clinic", "bottle", "recall", "raised_by", "acknowledged_by")
_PDF = {
    "description": "The labels, one 4 x 3 inch page per bottle.",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}


# --- shapes --------------------------------------------------------------------------------


def _patient_ref(patient: Patient) -> dict[str, Any]:
    return {"uuid": patient.uuid, "mrn": patient.mrn, "display_name": patient.display_name}


def bottle_out(bottle: TakeHomeBottle) -> dict[str, Any]:
    return {
        "uuid": bottle.uuid,
        "code": bottle.code,
        "patient_uuid": bottle.patient.uuid,
        "order_uuid": bottle.order.uuid,
        "medication": bottle.order.medication,
        "for_date": bottle.for_date,
        "closed_day": bottle.closed_day,
        "amount_mg": bottle.amount_mg,
        "volume_ml": bottle.volume_ml,
        "lot": bottle.lot,
        "stock_bottle": bottle.stock_bottle.uuid,
        "status": bottle.status,
        "issued_at": bottle.issued_at,
        "issued_by": staff_ref(bottle.issued_by),
    }


def assessment_out(assessment: TakeHomeCriteriaAssessment, patient: Patient) -> dict[str, Any]:
    return {
        "uuid": assessment.uuid,
        "patient_uuid": patient.uuid,
        "clinic": clinic_ref(assessment.clinic),
        "criteria_met": list(assessment.criteria_met),
        "note": assessment.note,
        "protocol_profile": assessment.protocol_profile,
        "assessed_by": staff_ref(assessment.assessed_by),
        "assessed_at": assessment.assessed_at,
    }


def recall_out(recall: TakeHomeRecall) -> dict[str, Any]:
    return {
        "uuid": recall.uuid,
        "patient": _patient_ref(recall.patient),
        "clinic": clinic_ref(recall.clinic),
        "reason": recall.reason,
        "due_by": recall.due_by,
        "requested_by": staff_ref(recall.requested_by),
        "requested_at": recall.requested_at,
        "status": recall.status,
        "outcome": recall.outcome,
        "note": recall.note,
        "bottles_seen": sorted(b.code for b in recall.bottles_seen.all()),
        "recorded_by": staff_ref(recall.recorded_by),
        "recorded_at": recall.recorded_at,
    }


def concern_out(concern: TakeHomeConcern) -> dict[str, Any]:
    return {
        "uuid": concern.uuid,
        "patient": _patient_ref(concern.patient),
        "clinic": clinic_ref(concern.clinic),
        "kind": concern.kind,
        "message": concern.message,
        "bottle": concern.bottle.code if concern.bottle else None,
        "recall": concern.recall.uuid if concern.recall else None,
        "raised_by": staff_ref(concern.raised_by),
        "raised_at": concern.raised_at,
        "acknowledged_by": staff_ref(concern.acknowledged_by) if concern.acknowledged_by else None,
        "acknowledged_at": concern.acknowledged_at,
        "acknowledgement_note": concern.acknowledgement_note,
    }


def _finding(finding: Any) -> dict[str, Any]:
    return rules_bridge.finding_as_dict(finding)


def eligibility_out(entry: TakeHomeDue, service_date: Any) -> dict[str, Any]:
    order, decision = entry.order, entry.decision
    eligibility = decision.eligibility if decision is not None else None
    plan = decision.plan if decision is not None else None
    return {
        "order": {
            "uuid": order.uuid,
            "medication": order.medication,
            "daily_dose_mg": order.daily_dose_mg,
            "start_date": order.start_date,
            "end_date": order.end_date,
        },
        "clinic": clinic_ref(order.clinic),
        "service_date": service_date,
        "reason": entry.reason,
        "profile": eligibility.profile if eligibility else None,
        "days_in_treatment": eligibility.days_in_treatment if eligibility else None,
        "max_days": eligibility.max_days if eligibility else None,
        "max_doses_per_week": eligibility.max_doses_per_week if eligibility else None,
        "closed_day_allowed": eligibility.closed_day_allowed if eligibility else None,
        "unmet_criteria": [str(c) for c in eligibility.unmet_criteria] if eligibility else [],
        "allowed_dates": list(entry.allowed_dates),
        "closed_day_dates": list(plan.closed_day_dates) if plan else [],
        "uncovered_dates": list(plan.uncovered_dates) if plan else [],
        "next_visit": entry.next_visit,
        "issued_dates": entry.issued,
        "pending_dates": entry.pending_dates,
        "findings": [_finding(f) for f in decision.findings] if decision else [],
    }


def _labels_url(bottles: Iterable[TakeHomeBottle]) -> str:
    query = urlencode({"bottles": ",".join(str(b.uuid) for b in bottles)})
    return f"{reverse('api:takehome_labels')}?{query}"


# --- lookups -------------------------------------------------------------------------------


def _order_for(actor: Actor, order_uuid: UUID, purpose: str) -> MedicationOrder:
    """The order, once its patient is someone the caller may see (else the same 404)."""
    order = (
        MedicationOrder.objects.select_related("patient", "patient__home_clinic", "clinic")
        .filter(uuid=order_uuid)
        .first()
    )
    if order is None:
        raise NotFoundOrForbidden()
    patient_for(actor, order.patient.uuid, Capability.VIEW_CLINICAL, purpose=purpose, audit=False)
    return order


def _patients_row(
    actor: Actor, model: type[_Row], uuid: UUID, related: tuple[str, ...], purpose: str
) -> _Row:
    """A take-home row by its uuid, once its patient is someone the caller may see.

    A missing row and another clinic's patient are the same 404.
    """
    row = model.objects.select_related(*related).filter(uuid=uuid).first()
    if row is None:
        raise NotFoundOrForbidden()
    patient_for(actor, row.patient.uuid, Capability.VIEW_CLINICAL, purpose=purpose, audit=False)
    return row


def _bottle_for(actor: Actor, bottle_uuid: UUID, purpose: str) -> TakeHomeBottle:
    return _patients_row(actor, TakeHomeBottle, bottle_uuid, _BOTTLE_RELATED, purpose)


def _recall_for(actor: Actor, recall_uuid: UUID, purpose: str) -> TakeHomeRecall:
    return _patients_row(actor, TakeHomeRecall, recall_uuid, _RECALL_RELATED, purpose)


def _concern_for(actor: Actor, concern_uuid: UUID, purpose: str) -> TakeHomeConcern:
    return _patients_row(actor, TakeHomeConcern, concern_uuid, _CONCERN_RELATED, purpose)


def _request_key(request: HttpRequest, payload: TakeHomeIssueCreate) -> str:
    header = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    body = (payload.idempotency_key or "").strip()
    if header and body and header != body:
        raise ValidationFailed(
            _("The Idempotency-Key header and the idempotency_key field differ."),
            code="idempotency_key_mismatch",
            field="idempotency_key",
        )
    return header or body


def _require_any_here(actor: Actor, message: str, *capabilities: Capability) -> None:
    clinic = actor.clinic
    if clinic is None or not any(access.can(actor.user, c, clinic.id) for c in capabilities):
        raise CapabilityDenied(message, code="capability_denied")


# --- the patient's take-homes --------------------------------------------------------------


@router.get(
    "/patients/{patient_uuid}/takehomes",
    response={200: TakeHomes, **_ERRORS},
    summary="What the rule allows each active order today, and the bottles out and due back",
)
def takehome_overview(request: HttpRequest, patient_uuid: UUID) -> dict[str, Any]:
    actor = actor_from_api_request(request)
    patient = patient_for(actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="takehomes")
    # Each order is judged at its own clinic, under that clinic's profile and calendar.
    clinics = Clinic.objects.filter(
        pk__in=MedicationOrder.objects.filter(
            patient=patient, status__in=[OrderStatus.SIGNED, OrderStatus.ENDED]
        ).values("clinic_id")
    ).order_by("name", "id")
    eligibility = []
    for clinic in clinics:
        service_date = today_at(clinic.tz)
        eligibility += [
            eligibility_out(entry, service_date)
            for entry in takehomes_due(clinic, service_date, patient=patient)
        ]
    today = today_at(patient.home_clinic.tz)
    out = outstanding_bottles(patient, today).select_related(*_BOTTLE_RELATED)
    due = (
        TakeHomeBottle.objects.filter(
            patient=patient, status=BottleStatus.ISSUED, for_date__lt=today
        )
        .select_related(*_BOTTLE_RELATED)
        .order_by("for_date", "id")
    )
    assessment = latest_assessment(patient)
    if assessment is not None:
        assessment = TakeHomeCriteriaAssessment.objects.select_related("clinic", "assessed_by").get(
            pk=assessment.pk
        )
    recall = open_recall_for(patient)
    if recall is not None:
        recall = TakeHomeRecall.objects.select_related(*_RECALL_RELATED).get(pk=recall.pk)
    return {
        "patient_uuid": patient.uuid,
        "assessment": assessment_out(assessment, patient) if assessment else None,
        "eligibility": eligibility,
        "bottles_out": [bottle_out(b) for b in out],
        "due_back": [bottle_out(b) for b in due],
        "open_recall": recall_out(recall) if recall else None,
    }


@router.post(
    "/patients/{patient_uuid}/takehomes/assessments",
    response={201: AssessmentOut, **_ERRORS},
    summary="Record which take-home criteria the prescriber judges met (the latest applies)",
)
def takehome_assessment_create(
    request: HttpRequest, patient_uuid: UUID, payload: AssessmentCreate
) -> Status:
    actor = actor_from_api_request(request)
    patient = patient_for(
        actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="takehome_assessment", audit=False
    )
    assessment = takehome_assessment_record(
        actor=actor, patient=patient, criteria_met=payload.criteria_met, note=payload.note
    )
    assessment = TakeHomeCriteriaAssessment.objects.select_related("clinic", "assessed_by").get(
        pk=assessment.pk
    )
    return Status(201, assessment_out(assessment, patient))


# --- hand-over and labels ------------------------------------------------------------------


@router.post(
    "/orders/{order_uuid}/takehomes",
    response={201: TakeHomeIssueOut, **_ERRORS},
    summary="Hand over take-home bottles for dates the rule allows (idempotent with a key)",
)
def takehome_issue_create(
    request: HttpRequest, response: HttpResponse, order_uuid: UUID, payload: TakeHomeIssueCreate
) -> Status:
    actor = actor_from_api_request(request)
    key = _request_key(request, payload)
    order = _order_for(actor, order_uuid, "takehome_issue")
    stock = (
        StockBottle.objects.select_related("product", "clinic")
        .filter(uuid=payload.stock_bottle, clinic=actor.clinic)
        .first()
    )
    if stock is None:
        raise ValidationFailed(
            _("There is no such bottle in this clinic's stock."),
            code="unknown_bottle",
            field="stock_bottle",
        )
    seen = bool(key) and TakeHomeIssue.objects.filter(idempotency_key=key).exists()
    bottles = takehome_issue(
        actor=actor, order=order, dates=payload.dates, stock_bottle=stock, idempotency_key=key
    )
    issue = TakeHomeIssue.objects.select_related("order", "patient", "clinic", "issued_by").get(
        pk=bottles[0].issue_id
    )
    rows = list(
        TakeHomeBottle.objects.filter(issue=issue)
        .select_related(*_BOTTLE_RELATED)
        .order_by("for_date", "id")
    )
    if seen:
        # A retry answers exactly as the first request did, and says it is a replay.
        response["Idempotent-Replayed"] = "true"
    return Status(
        201,
        {
            "uuid": issue.uuid,
            "order_uuid": issue.order.uuid,
            "patient_uuid": issue.patient.uuid,
            "clinic": clinic_ref(issue.clinic),
            "service_date": issue.service_date,
            "protocol_profile": issue.protocol_profile,
            "days_in_treatment": issue.days_in_treatment,
            "max_days": issue.max_days,
            "findings": issue.findings,
            "issued_at": issue.issued_at,
            "issued_by": staff_ref(issue.issued_by),
            "bottles": [bottle_out(b) for b in rows],
            "labels": _labels_url(rows),
        },
    )


@router.get(
    "/takehomes/labels",
    response={**_ERRORS},
    url_name="takehome_labels",
    summary="Print the labels of take-home bottles as a PDF (every print is audited)",
    openapi_extra={
        "parameters": [
            {
                "name": "bottles",
                "in": "query",
                "required": True,
                "description": "Comma-separated bottle uuids.",
                "schema": {"type": "string"},
            }
        ],
        "responses": {200: _PDF},
    },
)
def takehome_labels(request: HttpRequest) -> HttpResponse:
    actor = actor_from_api_request(request)
    # The role first: someone who may not print learns nothing about the bottles asked for.
    _require_any_here(actor, _("Only nurses print take-home labels."), Capability.DISPENSE)
    wanted = _uuids(request.GET.getlist("bottles"))
    bottles = list(
        TakeHomeBottle.objects.filter(uuid__in=wanted).select_related("patient", "issue")
    )
    if len(bottles) != len(wanted):
        raise NotFoundOrForbidden()
    for patient_uuid in sorted({str(b.patient.uuid) for b in bottles}):
        patient_for(
            actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="takehome_labels", audit=False
        )
    pdf = takehome_labels_print(actor=actor, bottles=bottles)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="take-home-labels.pdf"'
    return response


def _uuids(values: list[str]) -> set[UUID]:
    found = set()
    for value in values:
        for part in value.split(","):
            if not part.strip():
                continue
            try:
                found.add(UUID(part.strip()))
            except ValueError:
                raise ValidationFailed(
                    _("%(value)s is not a bottle uuid.") % {"value": part.strip()[:40]},
                    code="invalid_uuid",
                    field="bottles",
                ) from None
    if not found:
        raise ValidationFailed(
            _("Name at least one bottle (bottles=<uuid>,<uuid>)."),
            code="required",
            field="bottles",
        )
    return found


# --- returns and recalls -------------------------------------------------------------------


@router.post(
    "/takehomes/bottles/{bottle_uuid}/return",
    response={201: ReturnOut, **_ERRORS},
    summary="Check a take-home bottle in: returned empty, not returned or tampered",
)
def takehome_return_create(
    request: HttpRequest, bottle_uuid: UUID, payload: ReturnCreate
) -> Status:
    actor = actor_from_api_request(request)
    bottle = _bottle_for(actor, bottle_uuid, "takehome_return")
    check = takehome_return_check(
        actor=actor, bottle=bottle, outcome=payload.outcome.value, note=payload.note
    )
    bottle = TakeHomeBottle.objects.select_related(*_BOTTLE_RELATED).get(pk=bottle.pk)
    concern = (
        TakeHomeConcern.objects.filter(bottle=bottle)
        .select_related("patient", "clinic", "bottle", "recall", "raised_by")
        .order_by("-raised_at", "-id")
        .first()
    )
    return Status(
        201,
        {
            "uuid": check.uuid,
            "bottle": bottle_out(bottle),
            "outcome": check.outcome,
            "note": check.note,
            "checked_by": staff_ref(check.checked_by),
            "checked_at": check.checked_at,
            "concern": concern_out(concern) if concern else None,
        },
    )


@router.post(
    "/patients/{patient_uuid}/takehomes/recalls",
    response={201: RecallOut, **_ERRORS},
    summary="Call the person back with every take-home bottle they hold (prescriber)",
)
def takehome_recall_create(
    request: HttpRequest, patient_uuid: UUID, payload: RecallCreate
) -> Status:
    actor = actor_from_api_request(request)
    patient = patient_for(
        actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="takehome_recall", audit=False
    )
    recall = takehome_recall_request(
        actor=actor, patient=patient, reason=payload.reason, due_by=payload.due_by
    )
    recall = TakeHomeRecall.objects.select_related(*_RECALL_RELATED).get(pk=recall.pk)
    return Status(201, recall_out(recall))


@router.post(
    "/takehomes/recalls/{recall_uuid}/outcome",
    response={200: RecallRecorded, **_ERRORS},
    summary="Record what a recall found: all present, a discrepancy, or did not attend",
)
def takehome_recall_outcome(
    request: HttpRequest, recall_uuid: UUID, payload: RecallOutcomeCreate
) -> dict[str, Any]:
    actor = actor_from_api_request(request)
    recall = _recall_for(actor, recall_uuid, "takehome_recall")
    seen = _patient_bottles(recall.patient, payload.bottles_seen, "bottles_seen")
    retained = _patient_bottles(recall.patient, payload.bottles_retained, "bottles_retained")
    recall = takehome_recall_record(
        actor=actor,
        recall=recall,
        outcome=payload.outcome.value,
        bottles_seen=seen,
        bottles_retained=retained,
        note=payload.note,
    )
    recall = TakeHomeRecall.objects.select_related(*_RECALL_RELATED).get(pk=recall.pk)
    concern = (
        TakeHomeConcern.objects.filter(recall=recall)
        .select_related("patient", "clinic", "bottle", "recall", "raised_by")
        .first()
    )
    return {**recall_out(recall), "concern": concern_out(concern) if concern else None}


@router.post(
    "/takehomes/concerns/{concern_uuid}/acknowledge",
    response={200: ConcernOut, **_ERRORS},
    summary="The prescriber has seen a take-home concern and says what follows (prescriber)",
)
def takehome_concern_acknowledge_create(
    request: HttpRequest, concern_uuid: UUID, payload: ConcernAcknowledge
) -> dict[str, Any]:
    actor = actor_from_api_request(request)
    concern = _concern_for(actor, concern_uuid, "takehome_concern")
    concern = takehome_concern_acknowledge(actor=actor, concern=concern, note=payload.note)
    return concern_out(TakeHomeConcern.objects.select_related(*_CONCERN_RELATED).get(pk=concern.pk))


def _patient_bottles(patient: Patient, uuids: list[UUID], field: str) -> list[TakeHomeBottle]:
    wanted = set(uuids)
    bottles = list(TakeHomeBottle.objects.filter(patient=patient, uuid__in=wanted))
    if len(bottles) != len(wanted):
        raise ValidationFailed(
            _("A bottle named is not one of this person's take-home bottles."),
            code="unknown_bottle",
            field=field,
        )
    return bottles


# --- the clinic's worklist -----------------------------------------------------------------


@router.get(
    "/takehomes/worklist",
    response={200: Worklist, **_ERRORS},
    summary="The acting clinic's take-homes to act on: open concerns, recalls, bottles due back",
)
def takehome_worklist(request: HttpRequest, params: Query[WorklistQuery]) -> dict[str, Any]:
    actor = actor_from_api_request(request)
    _require_any_here(
        actor,
        _("Only nurses and prescribers of this clinic see its take-home worklist."),
        Capability.DISPENSE,
        Capability.PRESCRIBE,
    )
    clinic = actor.clinic
    assert clinic is not None
    service_date = params.date or today_at(clinic.tz)
    concerns = list(open_concerns(clinic).select_related("clinic"))
    recalls = list(
        open_recalls(clinic)
        .select_related("clinic", "recorded_by")
        .prefetch_related("bottles_seen")
    )
    due = list(returns_due(clinic, service_date).select_related("stock_bottle", "issued_by"))
    patients = {c.patient.mrn for c in concerns} | {r.patient.mrn for r in recalls}
    patients |= {b.patient.mrn for b in due}
    # One event for the whole list, as for the dosing queue: who saw whose take-homes.
    record(
        actor=actor,
        action=Action.READ,
        object_type="takehome_worklist",
        clinic=clinic,
        data_category=DataCategory.SUD_TREATMENT,
        detail={"day": service_date, "patients": sorted(patients), "channel": "api"},
    )
    return {
        "clinic": clinic_ref(clinic),
        "service_date": service_date,
        "counts": {"concerns": len(concerns), "recalls": len(recalls), "due_back": len(due)},
        "concerns": [concern_out(c) for c in concerns],
        "recalls": [recall_out(r) for r in recalls],
        "due_back": [{**bottle_out(b), "patient": _patient_ref(b.patient)} for b in due],
    }
