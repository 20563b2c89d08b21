"""Prescribing: draft an order, sign it against the protocol profile, change it, end it.

A signed order is never edited. A change is a new order that supersedes the old one and
ends it on the new start date, so the history reads as a chain of ``[start, end)`` periods.
Signing asks the rules core (through :mod:`mooring.medications.rules_bridge`); a refusal
the rule allows a prescriber to override needs a written reason, stored on the order with
the overridden rule codes, who signed and when, and audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from mooring.accounts.capabilities import Capability
from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import Conflict, ProblemSet, ValidationFailed
from mooring.core.time import now, today_at
from mooring.medications import rules_bridge
from mooring.medications.models import (
    DoseForm,
    Medication,
    MedicationOrder,
    MissedDoseReview,
    OrderStatus,
    Phase,
    QtcMeasurement,
)
from mooring.medications.services._access import require_patient_here
from mooring.patients.models import Patient

# Doses are recorded to the hundredth of a milligram; a split must divide the daily dose
# into amounts a nurse can measure and the ledger can store exactly.
DOSE_QUANTUM = Decimal("0.01")


@dataclass(frozen=True)
class OrderDraft:
    """What a prescriber writes; the same checks serve the form and the API."""

    medication: str
    form: str
    phase: str
    daily_dose_mg: Decimal
    start_date: date
    split: int = 1
    observed: bool = True
    end_date: date | None = None


def validate_draft(data: OrderDraft) -> None:
    problems = ProblemSet()
    if data.medication not in Medication.values:
        problems.add("medication", "invalid_choice", "Choose a medication from the list.")
    if data.form not in DoseForm.values:
        problems.add("form", "invalid_choice", "Choose a form from the list.")
    if data.phase not in Phase.values:
        problems.add("phase", "invalid_choice", "Choose a phase from the list.")
    dose = data.daily_dose_mg
    if isinstance(dose, bool) or not isinstance(dose, Decimal) or not dose.is_finite() or dose <= 0:
        problems.add("daily_dose_mg", "not_positive", "Enter a daily dose of more than 0 mg.")
    elif dose != dose.quantize(DOSE_QUANTUM):
        problems.add("daily_dose_mg", "too_precise", "Enter the dose to 0.01 mg at most.")
    if isinstance(data.split, bool) or not isinstance(data.split, int) or data.split < 1:
        problems.add("split", "invalid", "Give the dose at least once a day.")
    elif not problems.problems and (dose / data.split) != (dose / data.split).quantize(
        DOSE_QUANTUM
    ):
        problems.add(
            "split",
            "split_not_exact",
            f"{dose} mg cannot be split into {data.split} equal measurable doses.",
        )
    if data.end_date is not None and data.end_date <= data.start_date:
        problems.add("end_date", "end_before_start", "The end date must be after the start.")
    problems.raise_if_any()


def order_draft(*, actor: Actor, patient: Patient, data: OrderDraft) -> MedicationOrder:
    """Write an unsigned order. A draft is never dispensable."""
    clinic = require_patient_here(actor, patient, Capability.PRESCRIBE, home_only=True)
    validate_draft(data)
    with transaction.atomic():
        order = MedicationOrder.objects.create(
            patient=patient,
            clinic=clinic,
            medication=data.medication,
            form=data.form,
            phase=data.phase,
            daily_dose_mg=data.daily_dose_mg,
            split=data.split,
            observed=data.observed,
            start_date=data.start_date,
            end_date=data.end_date,
            created_by=actor.user,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="medication_order",
            object_id=order.uuid,
            patient=patient,
            data_category=DataCategory.SUD_TREATMENT,
            detail=_order_detail(order),
        )
    return order


def order_sign(
    *, actor: Actor, order: MedicationOrder, override_reason: str = "", as_of: date | None = None
) -> MedicationOrder:
    """Sign a draft after the rules core has checked it under the clinic's profile.

    Raises :class:`~mooring.medications.rules_bridge.RuleRefused` (a ``ValidationFailed``)
    naming each refusing rule, the profile and its sources; if every refusal is overridable,
    signing again with ``override_reason`` records the override.
    """
    require_patient_here(actor, order.patient, Capability.PRESCRIBE, home_only=True)
    with transaction.atomic():
        # Serialise everything that signs or changes this patient's orders.
        Patient.objects.select_for_update().get(pk=order.patient_id)
        order = MedicationOrder.objects.select_related("patient", "clinic").get(pk=order.pk)
        if order.status != OrderStatus.DRAFT:
            raise Conflict(
                "This order is already signed; write a change instead.", code="order_already_signed"
            )
        today = as_of or today_at(order.clinic.tz)
        if order.start_date < today:
            raise ValidationFailed(
                "An order cannot start before today.", code="start_in_past", field="start_date"
            )
        _refuse_overlap(order)
        verdict = rules_bridge.check_order(order, as_of=today)
        overridden = rules_bridge.require_allowed(verdict, override_reason=override_reason)
        order.status = OrderStatus.SIGNED
        order.prescriber = actor.user
        order.signed_at = now()
        order.protocol_profile = verdict.check.profile
        order.rule_findings = [rules_bridge.finding_as_dict(f) for f in verdict.findings]
        if not verdict.checked:
            order.rule_findings.append(
                {
                    "code": "rules.not_checked",
                    "severity": "info",
                    "message": "No rules check exists yet for this medication.",
                    "evidence": [],
                    "profile": verdict.check.profile,
                }
            )
        order.override_reason = override_reason.strip() if overridden else ""
        order.override_rule_codes = list(overridden)
        order.save(
            update_fields=[
                "status",
                "prescriber",
                "signed_at",
                "protocol_profile",
                "rule_findings",
                "override_reason",
                "override_rule_codes",
            ]
        )
        if any(code.startswith("methadone.missed_doses.") for code in overridden):
            # The prescriber has seen the gap and chose this dose: that is the review.
            MissedDoseReview.objects.create(
                order=order,
                service_date=order.start_date,
                note=order.override_reason,
                reviewed_by=actor.user,
                reviewed_at=order.signed_at,
            )
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type="medication_order",
            object_id=order.uuid,
            patient=order.patient,
            data_category=DataCategory.SUD_TREATMENT,
            detail={
                "event": "signed",
                "profile": order.protocol_profile,
                "findings": [f["code"] for f in order.rule_findings],
                "override_rule_codes": order.override_rule_codes,
                "override_reason": order.override_reason,
                "supersedes": str(order.supersedes.uuid) if order.supersedes else None,
            },
        )
    return order


def _refuse_overlap(order: MedicationOrder) -> None:
    """One signed order per patient and medication at a time (the superseded one excepted)."""
    others = MedicationOrder.objects.filter(
        patient_id=order.patient_id,
        medication=order.medication,
        status__in=[OrderStatus.SIGNED, OrderStatus.ENDED],
    ).exclude(pk=order.pk)
    if order.supersedes_id is not None:
        others = others.exclude(pk=order.supersedes_id)
    if order.end_date is not None:
        others = others.filter(start_date__lt=order.end_date)
    clash = others.exclude(end_date__isnull=False, end_date__lte=order.start_date).first()
    if clash is not None:
        raise Conflict(
            f"A signed {clash.get_medication_display()} order already covers "
            f"{clash.start_date} onwards; change or end it instead.",
            code="overlapping_order",
        )


def order_change(
    *,
    actor: Actor,
    previous: MedicationOrder,
    start_date: date,
    daily_dose_mg: Decimal | None = None,
    split: int | None = None,
    phase: str | None = None,
    form: str | None = None,
    observed: bool | None = None,
    end_date: date | None = None,
    override_reason: str = "",
    as_of: date | None = None,
) -> MedicationOrder:
    """Replace a signed order from ``start_date``: sign the new one and end the old one."""
    require_patient_here(actor, previous.patient, Capability.PRESCRIBE, home_only=True)
    with transaction.atomic():
        Patient.objects.select_for_update().get(pk=previous.patient_id)
        previous = MedicationOrder.objects.select_related("patient", "clinic").get(pk=previous.pk)
        if not previous.is_signed:
            raise Conflict(
                "Only a signed order can be changed; edit the draft instead.",
                code="order_not_signed",
            )
        if hasattr(previous, "superseded_by"):
            raise Conflict("This order has already been replaced.", code="already_superseded")
        if start_date <= previous.start_date or (
            previous.end_date is not None and start_date >= previous.end_date
        ):
            raise ValidationFailed(
                "The change must start while the current order runs, after its first day.",
                code="change_outside_order",
                field="start_date",
            )
        data = OrderDraft(
            medication=previous.medication,
            form=form or previous.form,
            phase=phase or previous.phase,
            daily_dose_mg=daily_dose_mg if daily_dose_mg is not None else previous.daily_dose_mg,
            split=split if split is not None else previous.split,
            observed=previous.observed if observed is None else observed,
            start_date=start_date,
            end_date=end_date,
        )
        validate_draft(data)
        new = MedicationOrder.objects.create(
            patient=previous.patient,
            clinic=previous.clinic,
            medication=data.medication,
            form=data.form,
            phase=data.phase,
            daily_dose_mg=data.daily_dose_mg,
            split=data.split,
            observed=data.observed,
            start_date=data.start_date,
            end_date=data.end_date,
            created_by=actor.user,
            supersedes=previous,
        )
        # End the old order first so the new one does not overlap it when signed.
        _end(previous, start_date, f"Replaced by order {new.uuid}")
        return order_sign(actor=actor, order=new, override_reason=override_reason, as_of=as_of)


def order_end(
    *, actor: Actor, order: MedicationOrder, end_date: date, reason: str
) -> MedicationOrder:
    """Stop a signed order from ``end_date`` (the last dose day is the day before)."""
    require_patient_here(actor, order.patient, Capability.PRESCRIBE, home_only=True)
    if not reason.strip():
        raise ValidationFailed("Say why the order ends.", code="required", field="reason")
    with transaction.atomic():
        order = (
            MedicationOrder.objects.select_for_update().select_related("patient").get(pk=order.pk)
        )
        if not order.is_signed:
            raise Conflict(
                "A draft is not ended; it is simply never signed.", code="order_not_signed"
            )
        if end_date <= order.start_date or (
            order.end_date is not None and end_date >= order.end_date
        ):
            raise ValidationFailed(
                "The end date must fall after the start and before any end already set.",
                code="invalid_end_date",
                field="end_date",
            )
        _end(order, end_date, reason.strip())
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type="medication_order",
            object_id=order.uuid,
            patient=order.patient,
            data_category=DataCategory.SUD_TREATMENT,
            detail={"event": "ended", "end_date": end_date, "reason": reason.strip()},
        )
    return order


def _end(order: MedicationOrder, end_date: date, reason: str) -> None:
    order.end_date = end_date
    order.status = OrderStatus.ENDED
    order.end_reason = reason[:300]
    order.save(update_fields=["end_date", "status", "end_reason"])


def qtc_record(*, actor: Actor, patient: Patient, measured_on: date, qtc_ms: int) -> QtcMeasurement:
    """Record a QTc from an ECG; methadone signing reads the latest one."""
    clinic = require_patient_here(actor, patient, Capability.PRESCRIBE)
    problems = ProblemSet()
    if measured_on > today_at(clinic.tz):
        problems.add("measured_on", "future_date", "The ECG date cannot be in the future.")
    if isinstance(qtc_ms, bool) or not isinstance(qtc_ms, int) or not 200 <= qtc_ms <= 800:
        problems.add("qtc_ms", "implausible", "Enter the QTc in milliseconds (200 to 800).")
    problems.raise_if_any()
    with transaction.atomic():
        measurement = QtcMeasurement.objects.create(
            patient=patient, measured_on=measured_on, qtc_ms=qtc_ms, recorded_by=actor.user
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="qtc_measurement",
            object_id=measurement.uuid,
            patient=patient,
            data_category=DataCategory.SUD_TREATMENT,
            detail={"measured_on": measured_on, "qtc_ms": qtc_ms},
        )
    return measurement


def _order_detail(order: MedicationOrder) -> dict[str, object]:
    return {
        "medication": order.medication,
        "form": order.form,
        "phase": order.phase,
        "daily_dose_mg": str(order.daily_dose_mg),
        "split": order.split,
        "observed": order.observed,
        "start_date": order.start_date,
        "end_date": order.end_date,
    }
