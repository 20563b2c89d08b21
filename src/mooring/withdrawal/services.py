"""Withdrawal-management doses, the clinic's clonidine choice and impairment grades.

``withdrawal_dose_give`` gathers what :func:`mooring.rules.withdrawal_meds.check_withdrawal_med_dose`
needs from the database (doses already given today, hours since the last dose, the day of the
course, impairment, methadone, vitals) and lets it judge the dose under the clinic's profile and
site settings. Every limit is the rules core's; refusals name the rule, profile and sources.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import ProblemSet, ValidationFailed
from mooring.core.time import now, today_at
from mooring.medications.access import require_giver
from mooring.medications.models import Medication, MedicationOrder
from mooring.medications.rules_bridge import allow_or_raise, finding_as_dict
from mooring.medications.selectors import active_order, day_facts, dose_blocker
from mooring.patients.models import Patient
from mooring.patients.selectors import require_patient_here
from mooring.rules.common import Finding, RulesError, Severity
from mooring.rules.withdrawal_meds import (
    Vitals,
    WithdrawalMedCourse,
    WithdrawalMedicine,
    check_withdrawal_med_dose,
)
from mooring.withdrawal import selectors
from mooring.withdrawal.models import (
    ClinicWithdrawalSettings,
    Hepatic,
    ImpairmentAssessment,
    Renal,
    WithdrawalDose,
)

CLOCK_SKEW_ALLOWANCE = timedelta(minutes=5)
# Plausibility of a typed-in measurement (catches a slip of the keyboard), not a clinical limit.
PLAUSIBLE = {"pulse_bpm": (20, 250), "systolic_mmhg": (40, 300), "diastolic_mmhg": (20, 200)}


def withdrawal_settings_set(
    *, actor: Actor, clonidine_enabled: bool, reason: str
) -> ClinicWithdrawalSettings:
    """Turn clonidine for withdrawal on or off at the actor's clinic (a prescriber's decision)."""
    clinic = actor.clinic
    if clinic is None:
        raise ValidationFailed("Choose the clinic you are working at.", code="clinic_required")
    access.require(actor.user, Capability.PRESCRIBE, clinic.id)
    if not reason.strip():
        raise ValidationFailed(
            "Say why the clinic makes this choice.", code="required", field="reason"
        )
    with transaction.atomic():
        row = ClinicWithdrawalSettings.objects.create(
            clinic=clinic,
            clonidine_enabled=bool(clonidine_enabled),
            reason=reason.strip(),
            set_by=actor.user,
            set_at=now(),
        )
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type="clinic_withdrawal_settings",
            object_id=clinic.code,
            clinic=clinic,
            detail={"clonidine_enabled": row.clonidine_enabled, "reason": row.reason},
        )
    return row


def impairment_record(
    *,
    actor: Actor,
    patient: Patient,
    hepatic: str,
    renal: str,
    assessed_on: date,
    note: str = "",
) -> ImpairmentAssessment:
    """Record the patient's hepatic and renal impairment grades (lofexidine limits use them)."""
    clinic = require_patient_here(actor, patient, Capability.PRESCRIBE)
    problems = ProblemSet()
    if hepatic not in Hepatic.values:
        problems.add("hepatic", "invalid_choice", "Choose a hepatic impairment grade.")
    if renal not in Renal.values:
        problems.add("renal", "invalid_choice", "Choose a renal impairment grade.")
    if assessed_on > today_at(clinic.tz):
        problems.add("assessed_on", "future_date", "The assessment date cannot be in the future.")
    problems.raise_if_any()
    with transaction.atomic():
        row = ImpairmentAssessment.objects.create(
            patient=patient,
            hepatic=hepatic,
            renal=renal,
            assessed_on=assessed_on,
            note=note.strip(),
            recorded_by=actor.user,
            recorded_at=now(),
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="impairment_assessment",
            object_id=row.uuid,
            patient=patient,
            data_category=DataCategory.SUD_TREATMENT,
            detail={"hepatic": hepatic, "renal": renal, "assessed_on": assessed_on},
        )
    return row


def withdrawal_dose_give(
    *,
    actor: Actor,
    order: MedicationOrder,
    dose_mg: Decimal,
    given_at: datetime | None = None,
    pulse_bpm: int | None = None,
    systolic_mmhg: int | None = None,
    diastolic_mmhg: int | None = None,
    note: str = "",
    override_reason: str = "",
) -> WithdrawalDose:
    """Give one dose of a lofexidine or clonidine course after the rules core has judged it.

    Raises :class:`~mooring.medications.rules_bridge.RuleRefused` with one problem per refusing
    rule (``lofexidine.*``, ``clonidine.*``, ``withdrawal.over_ordered_daily_dose``); those the
    rules mark overridable go ahead when a prescriber gives a reason. Other refusals:
    ``order_not_withdrawal_medicine``, the order's blockers (``order_not_signed``,
    ``order_ended``, ``on_hold`` ...), ``vitals_incomplete``, ``implausible``,
    ``rules_input_invalid`` (e.g. not whole lofexidine tablets).
    """
    clinic = require_giver(actor, order.patient)
    if order.medication not in (Medication.LOFEXIDINE, Medication.CLONIDINE):
        raise ValidationFailed(
            "This order is not a withdrawal-management medicine.",
            code="order_not_withdrawal_medicine",
            field="order",
        )
    entered_at = now()
    given_at = given_at or entered_at
    _check_input(given_at, entered_at, dose_mg, pulse_bpm, systolic_mmhg, diastolic_mmhg)
    with transaction.atomic():
        # The patient row lock serialises this person's doses, so "doses today" is exact.
        patient = Patient.objects.select_for_update().get(pk=order.patient_id)
        order = MedicationOrder.objects.select_related("patient", "clinic").get(pk=order.pk)
        service_date = given_at.astimezone(clinic.tz).date()
        profile = selectors.profile_with_site_settings(order.clinic)
        blocker, _advice = dose_blocker(
            order, service_date, day_facts(order, service_date), profile
        )
        if blocker is not None:
            raise ValidationFailed(blocker.message, code=blocker.code, field="order")
        facts = selectors.course_facts(order, given_at, service_date)
        impairment = selectors.impairment_on(patient, service_date)
        vitals = Vitals(systolic_mmhg, pulse_bpm) if systolic_mmhg is not None else None
        course = WithdrawalMedCourse(
            WithdrawalMedicine(order.medication),
            on_methadone=active_order(patient, Medication.METHADONE, service_date) is not None,
        )
        try:
            check = check_withdrawal_med_dose(
                course,
                dose_mg,
                facts.doses_today,
                facts.day_of_course,
                impairment,
                profile,
                hours_since_last_dose=facts.hours_since_last_dose,
                vitals=vitals,
            )
        except RulesError as error:
            raise ValidationFailed(
                str(error), code="rules_input_invalid", field="dose_mg"
            ) from None
        findings = check.findings + _ordered_limit(order, facts.doses_today, dose_mg, profile.ref)
        overridden = allow_or_raise(
            findings, actor=actor, clinic=clinic, override_reason=override_reason, field="dose_mg"
        )
        dose = WithdrawalDose.objects.create(
            patient=patient,
            order=order,
            clinic=clinic,
            medicine=order.medication,
            given_at=given_at,
            service_date=service_date,
            dose_mg=dose_mg,
            day_of_course=facts.day_of_course,
            given_by=actor.user,
            pulse_bpm=pulse_bpm,
            systolic_mmhg=systolic_mmhg,
            diastolic_mmhg=diastolic_mmhg,
            hepatic=impairment.hepatic.value,
            renal=impairment.renal.value,
            protocol_profile=check.profile,
            rule_findings=[finding_as_dict(f) for f in findings],
            override_reason=override_reason.strip() if overridden else "",
            override_rule_codes=list(overridden),
            note=note.strip(),
            entered_at=entered_at,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="withdrawal_dose",
            object_id=dose.uuid,
            patient=patient,
            clinic=clinic,
            data_category=DataCategory.SUD_TREATMENT,
            detail={
                "order": str(order.uuid),
                "medicine": dose.medicine,
                "dose_mg": str(dose_mg),
                "service_date": service_date,
                "day_of_course": dose.day_of_course,
                "vitals": {
                    "pulse": pulse_bpm,
                    "systolic": systolic_mmhg,
                    "diastolic": diastolic_mmhg,
                },
                "impairment": {"hepatic": dose.hepatic, "renal": dose.renal},
                "profile": check.profile,
                "daily_max_mg": str(check.daily_max_mg),
                "findings": [f.code for f in findings],
                "override_rule_codes": list(overridden),
                "override_reason": dose.override_reason,
            },
        )
    return dose


def _ordered_limit(
    order: MedicationOrder, today: tuple[Decimal, ...], dose: Decimal, profile_ref: str
) -> tuple[Finding, ...]:
    """The prescriber's own daily dose caps the day, below whatever the label allows."""
    total = sum(today, Decimal(0)) + dose
    if total <= order.daily_dose_mg:
        return ()
    return (
        Finding(
            "withdrawal.over_ordered_daily_dose",
            Severity.REFUSAL,
            f"{total} mg today would pass the {order.daily_dose_mg} mg a day the order allows; "
            "the prescriber changes the order first.",
            (),
            profile_ref,
        ),
    )


def _check_input(
    given_at: datetime,
    entered_at: datetime,
    dose_mg: Decimal,
    pulse: int | None,
    systolic: int | None,
    diastolic: int | None,
) -> None:
    problems = ProblemSet()
    if given_at.tzinfo is None:
        problems.add("given_at", "naive_datetime", "The time given needs a time zone.")
    elif given_at > entered_at + CLOCK_SKEW_ALLOWANCE:
        problems.add("given_at", "given_in_future", "A dose cannot be recorded in the future.")
    if (
        isinstance(dose_mg, bool)
        or not isinstance(dose_mg, Decimal)
        or not dose_mg.is_finite()
        or dose_mg <= 0
    ):
        problems.add("dose_mg", "not_positive", "Enter a dose of more than 0 mg.")
    values = {"pulse_bpm": pulse, "systolic_mmhg": systolic, "diastolic_mmhg": diastolic}
    for name, value in values.items():
        if value is None:
            continue
        low, high = PLAUSIBLE[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems.add(name, "implausible", f"Enter a value from {low} to {high}.")
    if (pulse is None) != (systolic is None) or (diastolic is not None and systolic is None):
        problems.add(
            "systolic_mmhg",
            "vitals_incomplete",
            "Record the pulse and the blood pressure together.",
        )
    problems.raise_if_any()
