"""Withdrawal-management doses (lofexidine, and clonidine where a clinic turns it on).

A course is a signed lofexidine or clonidine :class:`~mooring.medications.models.MedicationOrder`
(a change is a new order superseding the old, so a taper is a chain of orders). Each dose is an
append-only :class:`WithdrawalDose` that keeps the vitals, the impairment grades and the rules'
findings it was judged with. A clinic's choice to use clonidine and a patient's hepatic and
renal impairment are histories too: the newest row applies.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mooring.accounts.models import Clinic
from mooring.core.models import AppendOnlyModel
from mooring.medications.models import MedicationOrder
from mooring.patients.models import Patient
from mooring.rules.withdrawal_meds import HepaticImpairment, RenalImpairment


class Hepatic(models.TextChoices):
    NONE = HepaticImpairment.NONE.value, _("None")
    MILD = HepaticImpairment.MILD.value, _("Mild (Child-Pugh 5-6)")
    MODERATE = HepaticImpairment.MODERATE.value, _("Moderate (Child-Pugh 7-9)")
    SEVERE = HepaticImpairment.SEVERE.value, _("Severe (Child-Pugh above 9)")


class Renal(models.TextChoices):
    NONE = RenalImpairment.NONE.value, _("None")
    MODERATE = RenalImpairment.MODERATE.value, _("Moderate (eGFR 30-89.9)")
    SEVERE = RenalImpairment.SEVERE.value, _("Severe (eGFR below 30, end-stage or dialysis)")


class ClinicWithdrawalSettings(AppendOnlyModel):
    """A clinic's site choice about withdrawal medicines; the newest row applies."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    # Off-label: off unless the clinic's medical lead turns it on (profiles.md, site settings).
    clonidine_enabled = models.BooleanField(_("use clonidine for withdrawal"), default=False)
    reason = models.TextField(_("reason"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["-set_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="wd_settings_reason")]

    def __str__(self) -> str:
        return f"Clonidine {'on' if self.clonidine_enabled else 'off'} from {self.set_at:%Y-%m-%d}"


class ImpairmentAssessment(AppendOnlyModel):
    """A prescriber's grading of hepatic and renal impairment; the newest one applies."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    hepatic = models.CharField(_("hepatic impairment"), max_length=10, choices=Hepatic.choices)
    renal = models.CharField(_("renal impairment"), max_length=10, choices=Renal.choices)
    assessed_on = models.DateField(_("assessed on"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-assessed_on", "-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hepatic__in=Hepatic.values), name="wd_hepatic_known"
            ),
            models.CheckConstraint(condition=Q(renal__in=Renal.values), name="wd_renal_known"),
        ]

    def __str__(self) -> str:
        return f"Hepatic {self.hepatic}, renal {self.renal} on {self.assessed_on}"


class WithdrawalDose(AppendOnlyModel):
    """One dose of a withdrawal-management medicine, with what it was judged against."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="withdrawal_doses")
    order = models.ForeignKey(
        MedicationOrder, on_delete=models.PROTECT, related_name="withdrawal_doses"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    medicine = models.CharField(max_length=12)  # lofexidine or clonidine, as the order
    given_at = models.DateTimeField(_("given at"))
    service_date = models.DateField(_("service date"))
    dose_mg = models.DecimalField(_("dose (mg)"), max_digits=6, decimal_places=3)
    day_of_course = models.PositiveSmallIntegerField()
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    pulse_bpm = models.PositiveSmallIntegerField(_("pulse (/min)"), null=True, blank=True)
    systolic_mmhg = models.PositiveSmallIntegerField(_("systolic BP (mmHg)"), null=True, blank=True)
    diastolic_mmhg = models.PositiveSmallIntegerField(
        _("diastolic BP (mmHg)"), null=True, blank=True
    )
    hepatic = models.CharField(max_length=10, choices=Hepatic.choices)
    renal = models.CharField(max_length=10, choices=Renal.choices)
    protocol_profile = models.CharField(max_length=60)
    rule_findings = models.JSONField(default=list, blank=True)
    override_reason = models.TextField(_("reason for overriding"), blank=True)
    override_rule_codes = models.JSONField(default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["-given_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(dose_mg__gt=0), name="wd_dose_positive"),
            models.CheckConstraint(condition=Q(day_of_course__gte=1), name="wd_day_at_least_one"),
            models.CheckConstraint(
                condition=Q(medicine__in=["lofexidine", "clonidine"]), name="wd_medicine_known"
            ),
            # Blood pressure comes as a pair with the pulse (the clonidine hold needs both).
            models.CheckConstraint(
                condition=Q(systolic_mmhg__isnull=True, pulse_bpm__isnull=True)
                | Q(systolic_mmhg__isnull=False, pulse_bpm__isnull=False),
                name="wd_vitals_complete",
            ),
        ]
        indexes = [models.Index(fields=["patient", "medicine", "service_date"])]

    def __str__(self) -> str:
        return f"{self.medicine} {self.dose_mg} mg at {self.given_at:%Y-%m-%d %H:%M}"
