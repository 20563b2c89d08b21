"""Reads for the injection, withdrawal-medicine and naloxone pages.

Thin gatherings of the domain selectors (``mooring.injections.selectors``,
``mooring.withdrawal.selectors``, ``mooring.naloxone.selectors``) into what one page shows.
The patient always comes from :func:`mooring.patients.selectors.patient_for`. Lists are
built in a constant number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet

from mooring.accounts.models import Clinic
from mooring.injections.selectors import ScheduleRow, injections_due
from mooring.medications.models import Medication, MedicationOrder
from mooring.medications.selectors import active_order
from mooring.naloxone.models import NaloxoneKit, NaloxoneOfferRecord
from mooring.patients.models import Patient
from mooring.withdrawal.models import ClinicWithdrawalSettings, ImpairmentAssessment
from mooring.withdrawal.selectors import CourseStatus, course_status

WITHDRAWAL_MEDICINES = (Medication.LOFEXIDINE, Medication.CLONIDINE)


@dataclass(frozen=True)
class ClinicInjections:
    """The clinic's injection list: overdue first (most overdue on top), then due."""

    overdue: list[ScheduleRow]
    due: list[ScheduleRow]


def clinic_injections(clinic: Clinic, as_of: date) -> ClinicInjections:
    """Due and overdue injections at ``clinic`` (two queries, whatever the number of people)."""
    rows = injections_due(clinic, as_of)
    overdue = sorted(
        (r for r in rows if r.timing == "overdue"),
        key=lambda r: (-r.days_overdue, r.patient.search_name),
    )
    due = [r for r in rows if r.timing == "due"]
    return ClinicInjections(overdue=overdue, due=due)


def withdrawal_courses(patient: Patient, on: date, at: datetime) -> list[CourseStatus]:
    """The patient's active lofexidine and clonidine courses, each with where it stands."""
    orders: list[MedicationOrder] = []
    for medication in WITHDRAWAL_MEDICINES:
        order = active_order(patient, medication, on)
        if order is not None:
            orders.append(order)
    return [course_status(order, at) for order in orders]


def latest_impairment(patient: Patient) -> ImpairmentAssessment | None:
    return (
        ImpairmentAssessment.objects.filter(patient=patient)
        .select_related("recorded_by")
        .order_by("-assessed_on", "-recorded_at", "-id")
        .first()
    )


def withdrawal_settings_history(clinic: Clinic) -> QuerySet[ClinicWithdrawalSettings]:
    """The clinic's clonidine choices, newest (the one in force) first."""
    return (
        ClinicWithdrawalSettings.objects.filter(clinic=clinic)
        .select_related("set_by")
        .order_by("-set_at", "-id")
    )


def naloxone_kits(patient: Patient) -> QuerySet[NaloxoneKit]:
    """Every kit given to the patient or their household, newest first."""
    return (
        NaloxoneKit.objects.filter(patient=patient)
        .select_related("given_by", "clinic")
        .order_by("-given_at", "-id")
    )


def naloxone_offers(patient: Patient) -> QuerySet[NaloxoneOfferRecord]:
    """Offers recorded without a kit (declined, or the person already has one), newest first."""
    return (
        NaloxoneOfferRecord.objects.filter(patient=patient)
        .select_related("offered_by")
        .order_by("-offered_at", "-id")
    )
