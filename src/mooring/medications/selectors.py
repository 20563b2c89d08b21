"""Reads for the dosing window and the prescriber: who is due, who came, who is held.

:func:`dosing_queue` answers for a whole clinic day in a constant number of queries,
whatever the length of the queue. :func:`dose_blocker` is the one place that decides why
a dose may not be given; ``dose_dispense`` asks it too, so the queue and the service agree.
The interface checks the capability (DISPENSE or PRESCRIBE at the clinic) before calling.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from mooring.accounts.models import Clinic
from mooring.medications import rules_bridge
from mooring.medications.models import (
    DoseAdministration,
    DoseHold,
    DoseKind,
    MedicationOrder,
    MissedDoseReview,
    OrderStatus,
    PrescriberFlag,
    SedationAssessment,
)
from mooring.patients.models import Patient
from mooring.rules.methadone import MissedDoseAdvice, MissedDoseStatus
from mooring.rules.profiles import ProtocolProfile


@dataclass(frozen=True)
class Blocker:
    """Why a dose may not be given today: a stable code and a sentence."""

    code: str
    message: str


@dataclass(frozen=True)
class DayFacts:
    """What is known about one order on one day, loaded in bulk or one by one."""

    holds: tuple[DoseHold, ...] = ()
    sedation: tuple[SedationAssessment, ...] = ()
    last_methadone_dose: date | None = None
    reviewed: bool = False


def dose_blocker(
    order: MedicationOrder, service_date: date, facts: DayFacts, profile: ProtocolProfile
) -> tuple[Blocker | None, MissedDoseAdvice | None]:
    """The first reason the order may not be dosed on ``service_date`` (None: go ahead)."""
    if not order.is_signed:
        return Blocker("order_not_signed", _("The order is not signed.")), None
    if service_date < order.start_date:
        return Blocker(
            "order_not_started", _("The order starts on %(day)s.") % {"day": order.start_date}
        ), None
    if order.end_date is not None and service_date >= order.end_date:
        return Blocker(
            "order_ended", _("The order ended on %(day)s.") % {"day": order.end_date}
        ), None
    for hold in facts.holds:
        if not hold.medication or hold.medication == order.medication:
            return Blocker("on_hold", _("On hold: %(reason)s") % {"reason": hold.reason}), None
    if facts.sedation:
        return Blocker(
            "appears_sedated",
            _("Assessed today as appearing sedated or intoxicated; no dose today."),
        ), None
    advice = rules_bridge.missed_dose_advice(
        order, facts.last_methadone_dose, service_date, profile
    )
    if advice is not None and advice.status is not MissedDoseStatus.OK and not facts.reviewed:
        return Blocker(
            f"missed_doses_{advice.status.value}", f"{advice.message} [profile {advice.profile}]"
        ), advice
    return None, advice


def active_holds(patient_ids: list[int], on: date) -> QuerySet[DoseHold]:
    return (
        DoseHold.objects.filter(
            patient_id__in=patient_ids, starts_on__lte=on, released_at__isnull=True
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on))
        .order_by("starts_on", "id")
    )


def day_facts(order: MedicationOrder, service_date: date) -> DayFacts:
    """The facts for one order (a handful of queries; the queue loads them in bulk)."""
    ids = [order.patient_id]
    return DayFacts(
        holds=tuple(active_holds(ids, service_date)),
        sedation=tuple(
            SedationAssessment.objects.filter(
                patient_id=order.patient_id, service_date=service_date
            )
        ),
        last_methadone_dose=rules_bridge.last_methadone_dose_dates(ids, service_date).get(
            order.patient_id
        ),
        reviewed=MissedDoseReview.objects.filter(order=order, service_date=service_date).exists(),
    )


@dataclass
class QueueEntry:
    patient: Patient
    order: MedicationOrder
    doses: list[DoseAdministration] = field(default_factory=list)
    blocker: Blocker | None = None
    missed: MissedDoseAdvice | None = None

    @property
    def remaining(self) -> int:
        """Administrations still due today (0 when fully dosed)."""
        return max(self.order.split - len(self.doses), 0)

    @property
    def status(self) -> str:
        if self.doses and not self.remaining:
            return "dosed"
        if self.blocker is not None:
            return self.blocker.code
        return "partly_dosed" if self.doses else "due"


def dosing_queue(clinic: Clinic, service_date: date) -> list[QueueEntry]:
    """Everyone with an active signed observed order at ``clinic`` on ``service_date``.

    Each entry says whether the person has been dosed, is due, is held (and why) or waits
    for a missed-dose review. Six queries whatever the number of people.
    """
    orders = list(
        MedicationOrder.objects.filter(
            clinic=clinic,
            observed=True,
            start_date__lte=service_date,
            status__in=[OrderStatus.SIGNED, OrderStatus.ENDED],
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=service_date))
        .select_related("patient", "prescriber")
        .order_by("patient__legal_family_name", "patient__legal_given_name", "id")
    )
    patient_ids = sorted({o.patient_id for o in orders})
    order_ids = [o.pk for o in orders]
    doses: dict[int, list[DoseAdministration]] = defaultdict(list)
    for dose in DoseAdministration.objects.filter(
        order_id__in=order_ids, service_date=service_date, kind=DoseKind.OBSERVED
    ).order_by("administration_index"):
        doses[dose.order_id].append(dose)
    holds: dict[int, list[DoseHold]] = defaultdict(list)
    for hold in active_holds(patient_ids, service_date):
        holds[hold.patient_id].append(hold)
    sedated: dict[int, list[SedationAssessment]] = defaultdict(list)
    for assessment in SedationAssessment.objects.filter(
        patient_id__in=patient_ids, service_date=service_date
    ):
        sedated[assessment.patient_id].append(assessment)
    last_doses = rules_bridge.last_methadone_dose_dates(patient_ids, service_date)
    reviewed = set(
        MissedDoseReview.objects.filter(
            order_id__in=order_ids, service_date=service_date
        ).values_list("order_id", flat=True)
    )
    profile = rules_bridge.profile_for(clinic)
    entries = []
    for order in orders:
        facts = DayFacts(
            tuple(holds[order.patient_id]),
            tuple(sedated[order.patient_id]),
            last_doses.get(order.patient_id),
            order.pk in reviewed,
        )
        blocker, advice = dose_blocker(order, service_date, facts, profile)
        entries.append(QueueEntry(order.patient, order, doses[order.pk], blocker, advice))
    return entries


def active_order(patient: Patient, medication: str, on: date) -> MedicationOrder | None:
    """The signed order of ``medication`` in force on ``on``, if any."""
    return (
        MedicationOrder.objects.filter(
            patient=patient,
            medication=medication,
            start_date__lte=on,
            status__in=[OrderStatus.SIGNED, OrderStatus.ENDED],
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
        .select_related("prescriber")
        .first()
    )


def order_history(patient: Patient) -> QuerySet[MedicationOrder]:
    """Every order of the patient, newest first (signed chain and drafts)."""
    return (
        MedicationOrder.objects.filter(patient=patient)
        .select_related("prescriber", "created_by", "supersedes")
        .order_by("-start_date", "-id")
    )


def open_flags(clinic: Clinic) -> QuerySet[PrescriberFlag]:
    """Flags the prescribers at ``clinic`` have not acknowledged, oldest first."""
    return (
        PrescriberFlag.objects.filter(clinic=clinic, acknowledged_at__isnull=True)
        .select_related("patient", "raised_by")
        .order_by("raised_at", "id")
    )
