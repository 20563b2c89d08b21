"""Reads for withdrawal-management courses: the clinic's profile, a course's day and limits.

The interface checks the capability (VIEW_CLINICAL) and fetches the patient through
:func:`mooring.patients.selectors.patient_for` before calling.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Max, Min, QuerySet

from mooring.accounts.models import Clinic
from mooring.medications import rules_bridge
from mooring.medications.models import Medication, MedicationOrder
from mooring.patients.models import Patient
from mooring.rules.common import RulesError
from mooring.rules.profile_settings import cited
from mooring.rules.profiles import ProtocolProfile, SiteSettings
from mooring.rules.withdrawal_meds import (
    HepaticImpairment,
    Impairment,
    RenalImpairment,
    lofexidine_daily_max,
    lofexidine_taper,
)
from mooring.withdrawal.models import ClinicWithdrawalSettings, ImpairmentAssessment, WithdrawalDose


def clonidine_enabled(clinic: Clinic) -> bool:
    """Whether the clinic's newest site setting turns clonidine for withdrawal on."""
    latest = (
        ClinicWithdrawalSettings.objects.filter(clinic=clinic)
        .order_by("-set_at", "-id")
        .values_list("clonidine_enabled", flat=True)
        .first()
    )
    return bool(latest)


def profile_with_site_settings(clinic: Clinic) -> ProtocolProfile:
    """The clinic's protocol profile, with clonidine switched on if the clinic chose it.

    Only the on/off choice is the clinic's here; the doses and holds stay the profile's
    defaults (``profile.clonidine``), and findings then name ``<profile>@<clinic code>``.
    """
    profile = rules_bridge.profile_for(clinic)
    if not clonidine_enabled(clinic):
        return profile
    clonidine = replace(profile.clonidine, enabled=cited(True, "S-SITE-PROTOCOL"))
    return profile.with_site_settings(SiteSettings(clinic.code, clonidine=clonidine))


def impairment_on(patient: Patient, day: date) -> Impairment:
    """The newest impairment grading on or before ``day`` (none recorded: no impairment)."""
    row = (
        ImpairmentAssessment.objects.filter(patient=patient, assessed_on__lte=day)
        .order_by("-assessed_on", "-recorded_at", "-id")
        .first()
    )
    if row is None:
        return Impairment()
    return Impairment(HepaticImpairment(row.hepatic), RenalImpairment(row.renal))


def course_order_ids(order: MedicationOrder) -> list[int]:
    """The order and every order it replaced: one course, however often the dose changed."""
    ids = [order.pk]
    previous = order.supersedes_id
    while previous is not None and previous not in ids:
        ids.append(previous)
        previous = (
            MedicationOrder.objects.filter(pk=previous)
            .values_list("supersedes_id", flat=True)
            .first()
        )
    return ids


@dataclass(frozen=True)
class CourseFacts:
    day_of_course: int
    doses_today: tuple[Decimal, ...]
    hours_since_last_dose: int | None


def course_facts(order: MedicationOrder, at: datetime, service_date: date) -> CourseFacts:
    """What the dose check needs: the course day, today's doses, hours since the last dose."""
    first = WithdrawalDose.objects.filter(order_id__in=course_order_ids(order)).aggregate(
        first=Min("service_date")
    )["first"]
    day = (service_date - first).days + 1 if first is not None else 1
    same = WithdrawalDose.objects.filter(patient_id=order.patient_id, medicine=order.medication)
    today = tuple(
        same.filter(service_date=service_date)
        .order_by("given_at")
        .values_list("dose_mg", flat=True)
    )
    last = same.filter(given_at__lte=at).aggregate(last=Max("given_at"))["last"]
    hours = int((at - last).total_seconds() // 3600) if last is not None else None
    return CourseFacts(max(day, 1), today, hours)


@dataclass(frozen=True)
class CourseStatus:
    """A course at a glance for the dosing nurse and the prescriber."""

    order: MedicationOrder
    profile: str
    day_of_course: int
    doses_today: tuple[Decimal, ...]
    daily_max_mg: Decimal  # the lower of the rules' limit and the order's daily dose
    taper_tablets_per_dose: tuple[int, ...]  # lofexidine: tablets per dose on each taper day
    clonidine_enabled: bool

    @property
    def given_today_mg(self) -> Decimal:
        return sum(self.doses_today, Decimal(0))

    @property
    def remaining_today_mg(self) -> Decimal:
        return max(self.daily_max_mg - self.given_today_mg, Decimal(0))


def course_status(order: MedicationOrder, at: datetime) -> CourseStatus:
    """Where a lofexidine or clonidine course stands at ``at`` (in the clinic's day)."""
    clinic = order.clinic
    day = at.astimezone(clinic.tz).date()
    profile = profile_with_site_settings(clinic)
    facts = course_facts(order, at, day)
    taper: tuple[int, ...] = ()
    if order.medication == Medication.LOFEXIDINE:
        limit = lofexidine_daily_max(impairment_on(order.patient, day), profile.lofexidine).value
        tablets = int(order.per_administration_mg / profile.lofexidine.tablet_mg.value)
        try:
            taper = lofexidine_taper(tablets, profile)
        except RulesError:
            taper = ()
    else:
        limit = profile.clonidine.daily_max_mg.value
    return CourseStatus(
        order=order,
        profile=profile.ref,
        day_of_course=facts.day_of_course,
        doses_today=facts.doses_today,
        daily_max_mg=min(limit, order.daily_dose_mg),
        taper_tablets_per_dose=taper,
        clonidine_enabled=profile.clonidine.enabled.value,
    )


def withdrawal_doses(patient: Patient) -> QuerySet[WithdrawalDose]:
    """Every withdrawal-medicine dose of the patient, newest first."""
    return (
        WithdrawalDose.objects.filter(patient=patient)
        .select_related("given_by", "order")
        .order_by("-given_at", "-id")
    )
