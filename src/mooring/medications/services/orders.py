"""Prescribing: draft an order, sign it against the protocol profile, change it, end it.

A signed order is never edited. A change is a new order that supersedes the old one and
ends it on the new start date, so the history reads as a chain of ``[start, end)`` periods.
Signing asks the rules core (through :mod:`mooring.medications.rules_bridge`); a refusal
the rule allows a prescriber to override needs a written reason, stored on the order with
the overridden rule codes, who signed and when, and audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from mooring.accounts.capabilities import Capability
from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import Conflict, ProblemSet, ValidationFailed
from mooring.core.time import now, today_at
from mooring.medications import rules_bridge
from mooring.medications.models import (
    COWS_RANGE,
    DoseForm,
    LastOpioid,
    Medication,
    MedicationOrder,
    MissedDoseReview,
    NaloxoneChallenge,
    OrderStatus,
    Phase,
    QtcMeasurement,
)
from mooring.patients.models import Patient
from mooring.patients.selectors import require_patient_here

# Doses are recorded to the hundredth of a milligram; a split must divide the daily dose
# into amounts a nurse can measure and the ledger can store exactly.
DOSE_QUANTUM = Decimal("0.01")
# A device clock a few minutes fast does not put the last opioid use "in the future".
CLOCK_SKEW_ALLOWANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class OrderDraft:
    """What a prescriber writes; the same checks serve the form and the API.

    A naltrexone start and a buprenorphine induction also need the last opioid use: its
    kind (``LastOpioid``) and aware time together; an induction the latest COWS score; a
    naltrexone start may record a naloxone challenge (``NaloxoneChallenge``).
    """

    medication: str
    form: str
    phase: str
    daily_dose_mg: Decimal
    start_date: date
    split: int = 1
    observed: bool = True
    end_date: date | None = None
    last_opioid: str = ""
    last_opioid_use_at: datetime | None = None
    cows_score: int | None = None
    naloxone_challenge: str = ""


def validate_draft(data: OrderDraft) -> None:
    problems = ProblemSet()
    if data.medication not in Medication.values:
        problems.add("medication", "invalid_choice", _("Choose a medication from the list."))
    if data.form not in DoseForm.values:
        problems.add("form", "invalid_choice", _("Choose a form from the list."))
    if data.phase not in Phase.values:
        problems.add("phase", "invalid_choice", _("Choose a phase from the list."))
    dose = data.daily_dose_mg
    if isinstance(dose, bool) or not isinstance(dose, Decimal) or not dose.is_finite() or dose <= 0:
        problems.add("daily_dose_mg", "not_positive", _("Enter a daily dose of more than 0 mg."))
    elif dose != dose.quantize(DOSE_QUANTUM):
        problems.add("daily_dose_mg", "too_precise", _("Enter the dose to 0.01 mg at most."))
    if isinstance(data.split, bool) or not isinstance(data.split, int) or data.split < 1:
        problems.add("split", "invalid", _("Give the dose at least once a day."))
    elif not problems.problems and (dose / data.split) != (dose / data.split).quantize(
        DOSE_QUANTUM
    ):
        problems.add(
            "split",
            "split_not_exact",
            _("%(dose)s mg cannot be split into %(split)s equal measurable doses.")
            % {"dose": dose, "split": data.split},
        )
    if data.end_date is not None and data.end_date <= data.start_date:
        problems.add("end_date", "end_before_start", _("The end date must be after the start."))
    _validate_start_context(data, problems)
    problems.raise_if_any()


def _validate_start_context(data: OrderDraft, problems: ProblemSet) -> None:
    """The last opioid use (kind and aware time, together), the COWS score, the challenge."""
    used_at = data.last_opioid_use_at
    if data.last_opioid and data.last_opioid not in LastOpioid.values:
        problems.add("last_opioid", "invalid_choice", _("Choose the last opioid from the list."))
    if used_at is not None and (not isinstance(used_at, datetime) or used_at.tzinfo is None):
        problems.add(
            "last_opioid_use_at", "naive_datetime", _("The time of last use needs a time zone.")
        )
    elif used_at is not None and used_at > now() + CLOCK_SKEW_ALLOWANCE:
        problems.add(
            "last_opioid_use_at", "future_time", _("The last use cannot be in the future.")
        )
    if bool(data.last_opioid) != (used_at is not None):
        field = "last_opioid_use_at" if data.last_opioid else "last_opioid"
        problems.add(
            field,
            "last_opioid_incomplete",
            _("Record both the kind of the last opioid and the time it was last used."),
        )
    low, high = COWS_RANGE
    score = data.cows_score
    if score is not None and (
        isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high
    ):
        problems.add(
            "cows_score",
            "out_of_range",
            _("Enter the COWS total, %(low)s to %(high)s.") % {"low": low, "high": high},
        )
    if data.naloxone_challenge and data.naloxone_challenge not in NaloxoneChallenge.values:
        problems.add(
            "naloxone_challenge",
            "invalid_choice",
            _("Choose the naloxone challenge result from the list."),
        )


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
            last_opioid=data.last_opioid,
            last_opioid_use_at=data.last_opioid_use_at,
            cows_score=data.cows_score,
            naloxone_challenge=data.naloxone_challenge,
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
                _("This order is already signed; write a change instead."),
                code="order_already_signed",
            )
        today = as_of or today_at(order.clinic.tz)
        if order.start_date < today:
            raise ValidationFailed(
                _("An order cannot start before today."), code="start_in_past", field="start_date"
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
                    "message": _("No rules check exists yet for this medication."),
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
            _(
                "A signed %(medication)s order already covers %(start)s onwards; change or "
                "end it instead."
            )
            % {"medication": clash.get_medication_display(), "start": clash.start_date},
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
    last_opioid: str | None = None,
    last_opioid_use_at: datetime | None = None,
    cows_score: int | None = None,
    naloxone_challenge: str | None = None,
) -> MedicationOrder:
    """Replace a signed order from ``start_date``: sign the new one and end the old one.

    The last opioid use, COWS score and challenge carry over unless given.
    """
    require_patient_here(actor, previous.patient, Capability.PRESCRIBE, home_only=True)
    with transaction.atomic():
        Patient.objects.select_for_update().get(pk=previous.patient_id)
        previous = MedicationOrder.objects.select_related("patient", "clinic").get(pk=previous.pk)
        if not previous.is_signed:
            raise Conflict(
                _("Only a signed order can be changed; edit the draft instead."),
                code="order_not_signed",
            )
        if hasattr(previous, "superseded_by"):
            raise Conflict(_("This order has already been replaced."), code="already_superseded")
        if start_date <= previous.start_date or (
            previous.end_date is not None and start_date >= previous.end_date
        ):
            raise ValidationFailed(
                _("The change must start while the current order runs, after its first day."),
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
            last_opioid=previous.last_opioid if last_opioid is None else last_opioid,
            last_opioid_use_at=last_opioid_use_at or previous.last_opioid_use_at,
            cows_score=previous.cows_score if cows_score is None else cows_score,
            naloxone_challenge=(
                previous.naloxone_challenge if naloxone_challenge is None else naloxone_challenge
            ),
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
            last_opioid=data.last_opioid,
            last_opioid_use_at=data.last_opioid_use_at,
            cows_score=data.cows_score,
            naloxone_challenge=data.naloxone_challenge,
            created_by=actor.user,
            supersedes=previous,
        )
        # End the old order first so the new one does not overlap it when signed.
        _end(previous, start_date, _("Replaced by order %(uuid)s") % {"uuid": new.uuid})
        return order_sign(actor=actor, order=new, override_reason=override_reason, as_of=as_of)


def order_end(
    *, actor: Actor, order: MedicationOrder, end_date: date, reason: str
) -> MedicationOrder:
    """Stop a signed order from ``end_date`` (the last dose day is the day before)."""
    require_patient_here(actor, order.patient, Capability.PRESCRIBE, home_only=True)
    if not reason.strip():
        raise ValidationFailed(_("Say why the order ends."), code="required", field="reason")
    with transaction.atomic():
        order = (
            MedicationOrder.objects.select_for_update().select_related("patient").get(pk=order.pk)
        )
        if not order.is_signed:
            raise Conflict(
                _("A draft is not ended; it is simply never signed."), code="order_not_signed"
            )
        if end_date <= order.start_date or (
            order.end_date is not None and end_date >= order.end_date
        ):
            raise ValidationFailed(
                _("The end date must fall after the start and before any end already set."),
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
        problems.add("measured_on", "future_date", _("The ECG date cannot be in the future."))
    if isinstance(qtc_ms, bool) or not isinstance(qtc_ms, int) or not 200 <= qtc_ms <= 800:
        problems.add("qtc_ms", "implausible", _("Enter the QTc in milliseconds (200 to 800)."))
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
        "last_opioid": order.last_opioid,
        "last_opioid_use_at": order.last_opioid_use_at,
        "cows_score": order.cows_score,
        "naloxone_challenge": order.naloxone_challenge,
    }
