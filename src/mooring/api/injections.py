"""Long-acting injections: a patient's schedule and history, giving one, the clinic's due list.

Nurses give (and prescribers may); only a prescriber overrides ``injection.not_yet_due``,
with a reason. Every patient-scoped call starts at ``patient_for``: a patient at another
clinic is the same 404 as a missing one. ``injection_give`` checks the rest and audits.
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
from mooring.api.schemas_treatment import (
    DueList,
    DueQuery,
    InjectionChart,
    InjectionGive,
    InjectionOut,
)
from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import CapabilityDenied, ValidationFailed
from mooring.core.time import today_at
from mooring.injections.models import InjectionAdministration
from mooring.injections.selectors import (
    ScheduleRow,
    injection_history,
    injection_schedules,
    injections_due,
    injections_overdue,
)
from mooring.injections.services import injection_give
from mooring.medications.models import MedicationOrder
from mooring.medications.rules_bridge import RuleRefused
from mooring.patients.models import Patient
from mooring.patients.selectors import patient_for

router = Router(tags=["injections"])

_ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}
_RELATED = ("patient", "order", "clinic", "given_by")


def order_brief(order: MedicationOrder) -> dict[str, Any]:
    return {
        "uuid": order.uuid,
        "medication": order.medication,
        "daily_dose_mg": order.daily_dose_mg,
        "per_administration_mg": order.per_administration_mg,
        "split": order.split,
        "start_date": order.start_date,
        "end_date": order.end_date,
    }


def rule_refused(request: HttpRequest, refused: Any) -> HttpResponse:
    """A rule's refusal, saying whether a prescriber's reason may override it."""
    return problem_response(
        request,
        status=refused.status,
        code=refused.code,
        detail=refused.message,
        errors=refused.problems,
        extra={
            "overridable": refused.overridable,
            "profile": refused.findings[0].profile if refused.findings else None,
        },
    )


def patient_order(patient: Patient, order_uuid: UUID) -> MedicationOrder:
    """The patient's own order by uuid; another patient's order is unknown here."""
    order = (
        MedicationOrder.objects.select_related("patient", "clinic")
        .filter(uuid=order_uuid, patient=patient)
        .first()
    )
    if order is None:
        raise ValidationFailed(
            _("This patient has no such order."), code="unknown_order", field="order"
        )
    return order


def injection_out(injection: InjectionAdministration) -> dict[str, Any]:
    return {
        "uuid": injection.uuid,
        "patient_uuid": injection.patient.uuid,
        "order_uuid": injection.order.uuid,
        "clinic": clinic_ref(injection.clinic),
        "product": injection.product,
        "injection_number": injection.injection_number,
        "administered_at": injection.administered_at,
        "service_date": injection.service_date,
        "dose_mg": injection.dose_mg,
        "site": injection.site,
        "lot": injection.lot,
        "expiry": injection.expiry,
        "given_by": staff_ref(injection.given_by),
        "note": injection.note,
        "earliest": injection.earliest,
        "due": injection.due,
        "latest": injection.latest,
        "timing": injection.timing,
        "protocol_profile": injection.protocol_profile,
        "rule_findings": injection.rule_findings,
        "override_reason": injection.override_reason,
        "override_rule_codes": injection.override_rule_codes,
        "entered_at": injection.entered_at,
    }


def schedule_out(row: ScheduleRow) -> dict[str, Any]:
    status = row.status
    return {
        "order": order_brief(row.order),
        "product": row.product,
        "injections_given": row.injections_given,
        "last_injection": row.last_injection,
        "next_injection_number": status.injection_number if status else None,
        "next_dose_mg": status.next_dose_mg if status else None,
        "earliest": status.earliest if status else None,
        "due": status.due if status else None,
        "latest": status.latest if status else None,
        "timing": row.timing,
        "days_overdue": row.days_overdue,
        "findings": [_finding(f) for f in status.findings] if status else [],
    }


def _finding(finding: Any) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": str(finding.severity),
        "message": finding.message,
        "evidence": list(finding.evidence),
        "profile": finding.profile,
        "overridable": finding.overridable,
    }


def _require_here(actor: Actor, capability: Capability, message: str) -> Any:
    clinic = actor.clinic
    if clinic is None or not access.can(actor.user, capability, clinic.id):
        raise CapabilityDenied(message, code="capability_denied")
    return clinic


@router.get(
    "/patients/{patient_uuid}/injections",
    response={200: InjectionChart, **_ERRORS},
    summary="A patient's injection schedule (each active injectable order) and history",
)
def injection_chart(request: HttpRequest, patient_uuid: UUID) -> dict[str, Any]:
    actor = actor_from_api_request(request)
    patient = patient_for(actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="injections")
    as_of = today_at(actor.clinic.tz if actor.clinic else patient.home_clinic.tz)
    schedules = injection_schedules(patient, as_of)
    history = list(injection_history(patient).select_related(*_RELATED))
    return {
        "as_of": as_of,
        "schedules": [schedule_out(row) for row in schedules],
        "count": len(history),
        "history": [injection_out(i) for i in history],
    }


@router.post(
    "/patients/{patient_uuid}/injections",
    response={201: InjectionOut, **_ERRORS},
    summary="Give a long-acting injection (a prescriber may override an early one with a reason)",
)
def injection_create(
    request: HttpRequest, patient_uuid: UUID, payload: InjectionGive
) -> Status | HttpResponse:
    actor = actor_from_api_request(request)
    # The injection itself is audited; the lookup is an access check, not a read.
    patient = patient_for(
        actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="injection", audit=False
    )
    order = patient_order(patient, payload.order)
    try:
        injection = injection_give(
            actor=actor,
            order=order,
            site=payload.site.value,
            lot=payload.lot,
            expiry=payload.expiry,
            dose_mg=payload.dose_mg,
            administered_at=payload.administered_at,
            product=payload.product.value if payload.product else None,
            note=payload.note,
            override_reason=payload.override_reason,
        )
    except RuleRefused as refused:
        return rule_refused(request, refused)
    injection = InjectionAdministration.objects.select_related(*_RELATED).get(pk=injection.pk)
    return Status(201, injection_out(injection))


@router.get(
    "/injections/due",
    response={200: DueList, **_ERRORS},
    summary="Active injectable orders at the acting clinic with their timing (or only overdue)",
)
def injection_due_list(request: HttpRequest, params: Query[DueQuery]) -> dict[str, Any]:
    actor = actor_from_api_request(request)
    clinic = _require_here(
        actor, Capability.VIEW_CLINICAL, _("Only clinical staff of this clinic see this list.")
    )
    as_of = params.date or today_at(clinic.tz)
    rows = injections_overdue(clinic, as_of) if params.overdue else injections_due(clinic, as_of)
    # One event for the whole list, as a search is recorded: who saw whose injections.
    record(
        actor=actor,
        action=Action.READ,
        object_type="injections_due",
        clinic=clinic,
        data_category=DataCategory.SUD_TREATMENT,
        detail={
            "as_of": as_of,
            "overdue_only": params.overdue,
            "patients": sorted({row.patient.mrn for row in rows}),
        },
    )
    counts = Counter(row.timing for row in rows)
    items = []
    for row in rows:
        entry = schedule_out(row)
        entry["patient"] = {
            "uuid": row.patient.uuid,
            "mrn": row.patient.mrn,
            "display_name": row.patient.display_name,
            "date_of_birth": row.patient.date_of_birth,
        }
        items.append(entry)
    return {
        "clinic": clinic_ref(clinic),
        "as_of": as_of,
        "overdue_only": params.overdue,
        "count": len(items),
        "counts": dict(sorted(counts.items())),
        "items": items,
    }
