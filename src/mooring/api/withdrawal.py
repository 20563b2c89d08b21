"""Withdrawal medicines (lofexidine, clonidine where the clinic turned it on) and impairment.

A course is a signed lofexidine or clonidine order; ``withdrawal_dose_give`` judges each dose
with the rules core (limits, interval, holds) and audits it. Impairment grades, which lower
the lofexidine limits, are a prescriber's to record. Every call starts at ``patient_for``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from mooring.accounts.capabilities import Capability
from mooring.api.auth import actor_from_api_request
from mooring.api.episodes import staff_ref
from mooring.api.injections import order_brief, patient_order, rule_refused
from mooring.api.patients import clinic_ref
from mooring.api.schemas import Problem
from mooring.api.schemas_treatment import (
    ImpairmentOut,
    ImpairmentRecord,
    WithdrawalChart,
    WithdrawalDoseGive,
    WithdrawalDoseOut,
    WithdrawalQuery,
)
from mooring.core.time import now, today_at
from mooring.medications.models import Medication
from mooring.medications.rules_bridge import RuleRefused
from mooring.medications.selectors import active_order
from mooring.patients.models import Patient
from mooring.patients.selectors import patient_for
from mooring.withdrawal.models import ImpairmentAssessment, WithdrawalDose
from mooring.withdrawal.selectors import CourseStatus, course_status, withdrawal_doses
from mooring.withdrawal.services import impairment_record, withdrawal_dose_give

router = Router(tags=["withdrawal"])

_ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}
_RELATED = ("patient", "order", "clinic", "given_by")
_MEDICINES = (Medication.LOFEXIDINE, Medication.CLONIDINE)


def dose_out(dose: WithdrawalDose) -> dict[str, Any]:
    return {
        "uuid": dose.uuid,
        "patient_uuid": dose.patient.uuid,
        "order_uuid": dose.order.uuid,
        "clinic": clinic_ref(dose.clinic),
        "medicine": dose.medicine,
        "given_at": dose.given_at,
        "service_date": dose.service_date,
        "dose_mg": dose.dose_mg,
        "day_of_course": dose.day_of_course,
        "given_by": staff_ref(dose.given_by),
        "pulse_bpm": dose.pulse_bpm,
        "systolic_mmhg": dose.systolic_mmhg,
        "diastolic_mmhg": dose.diastolic_mmhg,
        "hepatic": dose.hepatic,
        "renal": dose.renal,
        "protocol_profile": dose.protocol_profile,
        "rule_findings": dose.rule_findings,
        "override_reason": dose.override_reason,
        "override_rule_codes": dose.override_rule_codes,
        "note": dose.note,
        "entered_at": dose.entered_at,
    }


def course_out(course: CourseStatus) -> dict[str, Any]:
    return {
        "order": order_brief(course.order),
        "profile": course.profile,
        "day_of_course": course.day_of_course,
        "doses_today_mg": list(course.doses_today),
        "given_today_mg": course.given_today_mg,
        "daily_max_mg": course.daily_max_mg,
        "remaining_today_mg": course.remaining_today_mg,
        "taper_tablets_per_dose": list(course.taper_tablets_per_dose),
        "clonidine_enabled": course.clonidine_enabled,
    }


def impairment_out(row: ImpairmentAssessment | None) -> dict[str, Any]:
    if row is None:  # nothing recorded: no impairment, as the dose check assumes
        return {
            "uuid": None,
            "hepatic": "none",
            "renal": "none",
            "assessed_on": None,
            "note": "",
            "recorded_by": None,
        }
    return {
        "uuid": row.uuid,
        "hepatic": row.hepatic,
        "renal": row.renal,
        "assessed_on": row.assessed_on,
        "note": row.note,
        "recorded_by": staff_ref(row.recorded_by),
    }


def _current_impairment(patient: Patient, day: Any) -> ImpairmentAssessment | None:
    # The same row ``withdrawal.selectors.impairment_on`` grades by, with who recorded it.
    return (
        ImpairmentAssessment.objects.filter(patient=patient, assessed_on__lte=day)
        .select_related("recorded_by")
        .order_by("-assessed_on", "-recorded_at", "-id")
        .first()
    )


@router.get(
    "/patients/{patient_uuid}/withdrawal",
    response={200: WithdrawalChart, **_ERRORS},
    summary="A patient's withdrawal-medicine courses today, impairment grades and doses",
)
def withdrawal_chart(
    request: HttpRequest, patient_uuid: UUID, params: Query[WithdrawalQuery]
) -> dict[str, Any]:
    actor = actor_from_api_request(request)
    patient = patient_for(actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="withdrawal")
    at = now()
    today = today_at(actor.clinic.tz if actor.clinic else patient.home_clinic.tz)
    courses = []
    for medicine in _MEDICINES:
        order = active_order(patient, medicine, today)
        if order is not None:
            courses.append(course_out(course_status(order, at)))
    doses = list(withdrawal_doses(patient).select_related(*_RELATED)[: params.limit])
    return {
        "as_of": today,
        "courses": courses,
        "impairment": impairment_out(_current_impairment(patient, today)),
        "count": len(doses),
        "doses": [dose_out(d) for d in doses],
    }


@router.post(
    "/patients/{patient_uuid}/withdrawal/doses",
    response={201: WithdrawalDoseOut, **_ERRORS},
    summary="Give a dose of a lofexidine or clonidine course (overridable refusals need a "
    "prescriber's reason)",
)
def withdrawal_dose_create(
    request: HttpRequest, patient_uuid: UUID, payload: WithdrawalDoseGive
) -> Status | HttpResponse:
    actor = actor_from_api_request(request)
    # The dose itself is audited; the lookup is an access check, not a read.
    patient = patient_for(
        actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="withdrawal_dose", audit=False
    )
    order = patient_order(patient, payload.order)
    try:
        dose = withdrawal_dose_give(
            actor=actor,
            order=order,
            dose_mg=payload.dose_mg,
            given_at=payload.given_at,
            pulse_bpm=payload.pulse_bpm,
            systolic_mmhg=payload.systolic_mmhg,
            diastolic_mmhg=payload.diastolic_mmhg,
            note=payload.note,
            override_reason=payload.override_reason,
        )
    except RuleRefused as refused:
        return rule_refused(request, refused)
    dose = WithdrawalDose.objects.select_related(*_RELATED).get(pk=dose.pk)
    return Status(201, dose_out(dose))


@router.post(
    "/patients/{patient_uuid}/impairment",
    response={201: ImpairmentOut, **_ERRORS},
    summary="Record hepatic and renal impairment grades (prescribers; the newest applies)",
)
def impairment_create(
    request: HttpRequest, patient_uuid: UUID, payload: ImpairmentRecord
) -> Status:
    actor = actor_from_api_request(request)
    patient = patient_for(
        actor, patient_uuid, Capability.VIEW_CLINICAL, purpose="impairment", audit=False
    )
    row = impairment_record(
        actor=actor,
        patient=patient,
        hepatic=payload.hepatic.value,
        renal=payload.renal.value,
        assessed_on=payload.assessed_on,
        note=payload.note,
    )
    row = ImpairmentAssessment.objects.select_related("recorded_by").get(pk=row.pk)
    return Status(201, impairment_out(row))
