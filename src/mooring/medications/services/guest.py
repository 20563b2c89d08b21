"""Guest dosing: a person enrolled at one clinic is dosed at another for a set period.

The home clinic arranges it (a prescriber or a nurse there), naming the host clinic and
the days ``[start_date, end_date)``; the host doses from the home clinic's signed order
(see :func:`~mooring.medications.services.dosing.dose_dispense`) and may open the record
while the period runs, through the patient-clinic provider registered in ``apps.py``. An
arrangement is never deleted or edited: cancelling records who, when and why, and the
arrangement stops counting from the home clinic's day of cancelling.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.accounts.models import Clinic
from mooring.audit.models import Action, DataCategory
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import CapabilityDenied, Conflict, ProblemSet, ValidationFailed
from mooring.core.time import now, today_at
from mooring.medications import policy
from mooring.medications.models import GuestDosingArrangement, MedicationOrder, OrderStatus
from mooring.patients.models import Patient
from mooring.patients.selectors import require_patient_here

# Who may arrange or cancel: the nurses and prescribers of the clinic.
_MAY_ARRANGE = (Capability.DISPENSE, Capability.PRESCRIBE)


def guest_dosing_arrange(
    *,
    actor: Actor,
    patient: Patient,
    host_clinic: Clinic,
    start_date: date,
    end_date: date,
    reason: str,
    order: MedicationOrder | None = None,
) -> GuestDosingArrangement:
    """Arrange for ``patient`` to be dosed at ``host_clinic`` on ``[start_date, end_date)``.

    Only the patient's home clinic arranges. ``order`` defaults to the one signed observed
    order of the home clinic in force on ``start_date``. Refusals: ``home_clinic_only``
    (403), ``required``, ``end_before_start``, ``start_in_past``,
    ``guest_period_too_long``, ``host_is_home``, ``other_program``, ``no_active_order``,
    ``order_required``, ``not_home_order`` (422) and ``overlapping_guest_period`` (409).
    """
    home = _require_home_staff(actor, patient)
    reason = (reason or "").strip()
    limit = policy.DOSING_POLICY.max_guest_period_days
    problems = ProblemSet()
    if not reason:
        problems.add("reason", "required", _("Say why the person is dosed elsewhere."))
    if host_clinic.pk == home.pk:
        problems.add("host_clinic", "host_is_home", _("Choose a clinic other than the home one."))
    elif host_clinic.program_id != home.program_id:
        problems.add(
            "host_clinic", "other_program", _("Guest dosing is within one program's clinics.")
        )
    if end_date <= start_date:
        problems.add("end_date", "end_before_start", _("The period must end after it starts."))
    elif (end_date - start_date).days > limit:
        problems.add(
            "end_date",
            "guest_period_too_long",
            _("A guest period lasts at most %(days)s days; a longer stay is a transfer.")
            % {"days": limit},
        )
    if start_date < today_at(home.tz):
        problems.add("start_date", "start_in_past", _("The period cannot start in the past."))
    problems.raise_if_any()
    with transaction.atomic():
        # One writer per patient at a time, so two overlapping arrangements cannot both pass.
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
        order = _home_order(patient, home, start_date, order)
        overlapping = (
            GuestDosingArrangement.objects.filter(
                patient=patient, start_date__lt=end_date, end_date__gt=start_date
            )
            .filter(Q(cancelled_from__isnull=True) | Q(cancelled_from__gt=start_date))
            .select_related("host_clinic")
            .first()
        )
        if overlapping is not None:
            raise Conflict(
                _("The person is already a guest at %(clinic)s from %(start)s to %(end)s.")
                % {
                    "clinic": overlapping.host_clinic.name,
                    "start": overlapping.start_date,
                    "end": overlapping.end_date,
                },
                code="overlapping_guest_period",
                field="start_date",
            )
        arrangement = GuestDosingArrangement.objects.create(
            patient=patient,
            home_clinic=home,
            host_clinic=host_clinic,
            order=order,
            start_date=start_date,
            end_date=end_date,
            reason=reason,
            arranged_by=actor.user,
            arranged_at=now(),
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="guest_dosing_arrangement",
            object_id=arrangement.uuid,
            patient=patient,
            clinic=home,
            data_category=DataCategory.SUD_TREATMENT,
            detail={
                "host_clinic": host_clinic.code,
                "order": str(order.uuid),
                "start_date": start_date,
                "end_date": end_date,
                "reason": reason,
            },
        )
    return arrangement


def guest_dosing_cancel(
    *, actor: Actor, arrangement: GuestDosingArrangement, reason: str
) -> GuestDosingArrangement:
    """End an arrangement early (or before it starts): from today, dosing is at home again.

    The home clinic's or the host clinic's nurses and prescribers may cancel. Refusals:
    ``required`` (422), ``already_cancelled``, ``already_ended`` (409).
    """
    patient = arrangement.patient
    clinic = actor.clinic
    if clinic is not None and clinic.pk == arrangement.host_clinic_id:
        require_patient_here(actor, patient, Capability.VIEW_DEMOGRAPHICS)
        _require_any(actor, clinic)
    else:
        _require_home_staff(actor, patient)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("Say why the guest period is cancelled."), code="required", field="reason"
        )
    with transaction.atomic():
        locked = (
            GuestDosingArrangement.objects.select_for_update(of=("self",))
            .select_related("home_clinic", "host_clinic")
            .get(pk=arrangement.pk)
        )
        today = today_at(locked.home_clinic.tz)
        if locked.cancelled_at is not None:
            raise Conflict(_("This guest period was already cancelled."), code="already_cancelled")
        if locked.end_date <= today:
            raise Conflict(_("This guest period has already ended."), code="already_ended")
        locked.cancelled_from = today
        locked.cancelled_at = now()
        locked.cancelled_by = actor.user
        locked.cancel_reason = reason
        locked.save(
            update_fields=["cancelled_from", "cancelled_at", "cancelled_by", "cancel_reason"]
        )
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type="guest_dosing_arrangement",
            object_id=locked.uuid,
            patient=patient,
            clinic=clinic,
            data_category=DataCategory.SUD_TREATMENT,
            detail={"status": "cancelled", "cancelled_from": today, "reason": reason},
        )
    return locked


def _require_home_staff(actor: Actor, patient: Patient) -> Clinic:
    clinic = require_patient_here(actor, patient, Capability.VIEW_DEMOGRAPHICS)
    if clinic.pk != patient.home_clinic_id:
        raise CapabilityDenied(
            _("Only the person's home clinic arranges guest dosing."), code="home_clinic_only"
        )
    _require_any(actor, clinic)
    return clinic


def _require_any(actor: Actor, clinic: Clinic) -> None:
    if not any(access.can(actor.user, cap, clinic.pk) for cap in _MAY_ARRANGE):
        raise CapabilityDenied(
            _("Only nurses and prescribers arrange guest dosing."), code="capability_denied"
        )


def _home_order(
    patient: Patient, home: Clinic, start_date: date, order: MedicationOrder | None
) -> MedicationOrder:
    active = (
        MedicationOrder.objects.filter(
            patient=patient,
            clinic=home,
            observed=True,
            status=OrderStatus.SIGNED,
            start_date__lte=start_date,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=start_date))
        .order_by("medication", "id")
    )
    if order is not None:
        if not active.filter(pk=order.pk).exists():
            raise ValidationFailed(
                _("Choose a signed observed order of the home clinic in force on the first day."),
                code="not_home_order",
                field="order",
            )
        return order
    found = list(active[:2])
    if not found:
        raise ValidationFailed(
            _("The person has no signed observed order here on the first day."),
            code="no_active_order",
            field="order",
        )
    if len(found) > 1:
        raise ValidationFailed(
            _("The person has more than one order; choose the one the host clinic gives."),
            code="order_required",
            field="order",
        )
    return found[0]
