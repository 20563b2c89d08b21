"""Reads for the dosing window and the prescriber: take-homes due, bottles due back, recalls.

Clinic-wide lists answer in a constant number of queries, whatever the number of people.
Patient-scoped reads take a patient already fetched through
:func:`mooring.patients.selectors.patient_for` (which checks access and audits the read);
the interface checks the capability (DISPENSE or PRESCRIBE at the clinic) before calling a
clinic-wide one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q, QuerySet

from mooring.accounts.models import Clinic
from mooring.core.errors import ValidationFailed
from mooring.medications import rules_bridge as medication_rules
from mooring.medications.models import MedicationOrder, OrderStatus
from mooring.patients.models import Episode, Patient
from mooring.takehomes import rules_bridge
from mooring.takehomes.models import (
    BottleStatus,
    RecallStatus,
    TakeHomeBottle,
    TakeHomeConcern,
    TakeHomeCriteriaAssessment,
    TakeHomeRecall,
)


def latest_assessment(patient: Patient) -> TakeHomeCriteriaAssessment | None:
    """The criteria assessment that applies now: the most recent one."""
    return (
        TakeHomeCriteriaAssessment.objects.filter(patient=patient)
        .select_related("assessed_by")
        .order_by("-assessed_at", "-id")
        .first()
    )


def assessment_history(patient: Patient) -> QuerySet[TakeHomeCriteriaAssessment]:
    return (
        TakeHomeCriteriaAssessment.objects.filter(patient=patient)
        .select_related("assessed_by")
        .order_by("-assessed_at", "-id")
    )


def patient_bottles(patient: Patient) -> QuerySet[TakeHomeBottle]:
    """Every take-home bottle of the patient, newest date first."""
    return (
        TakeHomeBottle.objects.filter(patient=patient)
        .select_related("order", "issued_by", "return_check")
        .order_by("-for_date", "-id")
    )


@dataclass
class TakeHomeDue:
    """One person at the window today, and the take-home dates the rule allows them."""

    patient: Patient
    order: MedicationOrder
    decision: rules_bridge.Decision | None
    # Why nothing may go (a stable code) when decision is None or allows no date.
    reason: str = ""
    issued: list[date] = field(default_factory=list)

    @property
    def allowed_dates(self) -> tuple[date, ...]:
        return () if self.decision is None else self.decision.allowed_dates

    @property
    def pending_dates(self) -> list[date]:
        """Allowed dates with no bottle yet: what may still go out today."""
        return [d for d in self.allowed_dates if d not in self.issued]

    @property
    def next_visit(self) -> date | None:
        return None if self.decision is None else self.decision.plan.next_visit


def takehomes_due(
    clinic: Clinic, service_date: date, *, patient: Patient | None = None
) -> list[TakeHomeDue]:
    """Everyone with an active signed order at ``clinic`` today, with their take-home dates.

    For each, the rules core's decision under the clinic's profile (days since the open
    episode's admission, the latest criteria assessment, closures, opening weekdays), the
    dates already issued and those still pending. ``reason`` is ``no_assessment`` or
    ``no_open_episode`` when no decision could be made. The same queries whatever the number
    of people (five); pass ``patient`` for one person's row.
    """
    orders_qs = (
        MedicationOrder.objects.filter(
            clinic=clinic,
            start_date__lte=service_date,
            status__in=[OrderStatus.SIGNED, OrderStatus.ENDED],
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=service_date))
        .select_related("patient", "clinic")
        .order_by("patient__legal_family_name", "patient__legal_given_name", "id")
    )
    if patient is not None:
        orders_qs = orders_qs.filter(patient=patient)
    orders = list(orders_qs)
    patient_ids = sorted({o.patient_id for o in orders})
    admissions = dict(
        Episode.objects.filter(patient_id__in=patient_ids, discharged_on__isnull=True)
        .order_by("patient_id", "admitted_on")
        .values_list("patient_id", "admitted_on")
    )
    assessments = _latest_assessments(patient_ids)
    issued: dict[int, list[date]] = {}
    for order_id, day in TakeHomeBottle.objects.filter(
        order_id__in=[o.pk for o in orders], for_date__gt=service_date
    ).values_list("order_id", "for_date"):
        issued.setdefault(order_id, []).append(day)
    profile = medication_rules.profile_for(clinic)
    closed = rules_bridge.closed_dates([clinic.pk], service_date)[clinic.pk]
    weekdays = rules_bridge.open_weekdays(clinic)
    entries = []
    for order in orders:
        entry = TakeHomeDue(order.patient, order, None, issued=sorted(issued.get(order.pk, [])))
        assessment = assessments.get(order.patient_id)
        admitted = admissions.get(order.patient_id)
        if assessment is None:
            entry.reason = "no_assessment"
        elif admitted is None or admitted > service_date:
            entry.reason = "no_open_episode"
        else:
            try:
                entry.decision = rules_bridge.decide(
                    profile=profile,
                    admission_date=admitted,
                    as_of=service_date,
                    assessment=assessment,
                    closed=closed,
                    weekdays=weekdays,
                )
            except ValidationFailed as error:
                entry.reason = error.code
            else:
                if not entry.allowed_dates:
                    entry.reason = "takehome_not_allowed"
        entries.append(entry)
    return entries


def _latest_assessments(patient_ids: list[int]) -> dict[int, TakeHomeCriteriaAssessment]:
    """Patient id -> latest assessment (one query; the newest wins as rows arrive ordered)."""
    latest: dict[int, TakeHomeCriteriaAssessment] = {}
    for assessment in TakeHomeCriteriaAssessment.objects.filter(
        patient_id__in=patient_ids
    ).order_by("patient_id", "-assessed_at", "-id"):
        latest.setdefault(assessment.patient_id, assessment)
    return latest


def returns_due(
    clinic: Clinic, service_date: date, *, patient: Patient | None = None
) -> QuerySet[TakeHomeBottle]:
    """Bottles issued at ``clinic`` whose date has passed and that are not checked in yet.

    One query, oldest date first, with the patient and order loaded.
    """
    bottles = TakeHomeBottle.objects.filter(
        clinic=clinic, status=BottleStatus.ISSUED, for_date__lt=service_date
    )
    if patient is not None:
        bottles = bottles.filter(patient=patient)
    return bottles.select_related("patient", "order").order_by(
        "for_date", "patient__legal_family_name", "patient__legal_given_name", "id"
    )


def outstanding_bottles(patient: Patient, service_date: date) -> QuerySet[TakeHomeBottle]:
    """Bottles the patient should still hold on ``service_date`` (its date not yet passed)."""
    return TakeHomeBottle.objects.filter(
        patient=patient, status=BottleStatus.ISSUED, for_date__gte=service_date
    ).order_by("for_date", "id")


def open_recalls(clinic: Clinic, *, overdue_at: datetime | None = None) -> QuerySet[TakeHomeRecall]:
    """Recalls not yet recorded, soonest due first; only those past due with ``overdue_at``."""
    recalls = TakeHomeRecall.objects.filter(clinic=clinic, status=RecallStatus.OPEN)
    if overdue_at is not None:
        recalls = recalls.filter(due_by__lt=overdue_at)
    return recalls.select_related("patient", "requested_by").order_by("due_by", "id")


def open_recall_for(patient: Patient) -> TakeHomeRecall | None:
    return TakeHomeRecall.objects.filter(patient=patient, status=RecallStatus.OPEN).first()


def open_concerns(clinic: Clinic, *, patient: Patient | None = None) -> QuerySet[TakeHomeConcern]:
    """Take-home concerns the prescribers at ``clinic`` have not acknowledged, oldest first."""
    concerns = TakeHomeConcern.objects.filter(clinic=clinic, acknowledged_at__isnull=True)
    if patient is not None:
        concerns = concerns.filter(patient=patient)
    return concerns.select_related("patient", "raised_by", "bottle", "recall").order_by(
        "raised_at", "id"
    )
