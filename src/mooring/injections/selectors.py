"""Reads: each patient's injection schedule, and the clinic's overdue list.

The interface checks the capability (VIEW_CLINICAL at the clinic) before calling, and a
patient comes from :func:`mooring.patients.selectors.patient_for`. Both lists are built in a
constant number of queries: the active orders, then one aggregate over the injections.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q, QuerySet

from mooring.accounts.models import Clinic
from mooring.injections.models import InjectionAdministration
from mooring.injections.products import INJECTABLE_MEDICATIONS, MEDICATION_PRODUCTS
from mooring.medications.models import MedicationOrder, OrderStatus
from mooring.patients.models import Patient
from mooring.rules.injectables import (
    InjectableProduct,
    InjectionStatus,
    InjectionTiming,
    injection_schedule,
)


@dataclass(frozen=True)
class ScheduleRow:
    """One active injectable order and where its next injection stands."""

    patient: Patient
    order: MedicationOrder
    product: str | None  # None: monthly buprenorphine before the first injection names it
    injections_given: int
    last_injection: date | None
    status: InjectionStatus | None
    as_of: date

    @property
    def timing(self) -> str:
        return str(self.status.status) if self.status else InjectionTiming.DUE.value

    @property
    def days_overdue(self) -> int:
        if self.status is None or self.status.latest is None or self.timing != "overdue":
            return 0
        return (self.as_of - self.status.latest).days


def _active_orders(on: date) -> QuerySet[MedicationOrder]:
    return (
        MedicationOrder.objects.filter(
            medication__in=INJECTABLE_MEDICATIONS,
            status__in=[OrderStatus.SIGNED, OrderStatus.ENDED],
            start_date__lte=on,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
        .select_related("patient", "patient__home_clinic")
        .order_by("patient__search_name", "patient_id", "id")
    )


def _series(patient_ids: list[int], as_of: date) -> dict[tuple[int, str], tuple[int, date]]:
    rows = (
        InjectionAdministration.objects.filter(patient_id__in=patient_ids, service_date__lte=as_of)
        .values("patient_id", "product")
        .annotate(count=Count("id"), last=Max("service_date"))
        .order_by()
    )
    return {(r["patient_id"], r["product"]): (r["count"], r["last"]) for r in rows}


def _row(
    order: MedicationOrder, series: dict[tuple[int, str], tuple[int, date]], as_of: date
) -> ScheduleRow:
    products = MEDICATION_PRODUCTS[order.medication]
    used = [(series[(order.patient_id, p)], p) for p in products if (order.patient_id, p) in series]
    if used:
        (count, last), product = max(used, key=lambda item: item[0][1])
    elif len(products) == 1:
        count, last, product = 0, None, products[0]
    else:
        return ScheduleRow(order.patient, order, None, 0, None, None, as_of)
    status = injection_schedule(InjectableProduct(product), last, count, as_of)
    return ScheduleRow(order.patient, order, str(product), count, last, status, as_of)


def injection_schedules(patient: Patient, as_of: date) -> list[ScheduleRow]:
    """The patient's active injectable orders with their next dose, window and timing."""
    orders = list(_active_orders(as_of).filter(patient=patient))
    series = _series([patient.pk], as_of)
    return [_row(order, series, as_of) for order in orders]


def injections_due(clinic: Clinic, as_of: date) -> list[ScheduleRow]:
    """Every active injectable order at ``clinic`` with its timing (two queries)."""
    orders = list(_active_orders(as_of).filter(clinic=clinic))
    series = _series([o.patient_id for o in orders], as_of)
    return [_row(order, series, as_of) for order in orders]


def injections_overdue(clinic: Clinic, as_of: date) -> list[ScheduleRow]:
    """Patients at ``clinic`` whose injection window closed before ``as_of``, most overdue first."""
    overdue = [row for row in injections_due(clinic, as_of) if row.timing == "overdue"]
    return sorted(overdue, key=lambda row: (-row.days_overdue, row.patient.search_name))


def injection_history(patient: Patient) -> QuerySet[InjectionAdministration]:
    """Every injection of the patient, newest first."""
    return (
        InjectionAdministration.objects.filter(patient=patient)
        .select_related("given_by", "order")
        .order_by("-administered_at", "-id")
    )
