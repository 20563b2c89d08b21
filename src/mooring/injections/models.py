"""Long-acting injections given at the clinic: one append-only row per injection.

Each row keeps what the rules core said when it was given (the injection number, the window,
the findings, any override and its reason), so the record explains itself later even if the
product presets change.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mooring.accounts.models import Clinic
from mooring.core.models import AppendOnlyModel
from mooring.injections.products import InjectionProduct, InjectionSite
from mooring.medications.models import MedicationOrder
from mooring.patients.models import Patient

APPEND_ONLY = "Injections are append-only; record a correction instead."


class InjectionAdministration(AppendOnlyModel):
    """One long-acting injection of a signed order."""

    append_only_message = APPEND_ONLY

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="injections")
    order = models.ForeignKey(MedicationOrder, on_delete=models.PROTECT, related_name="injections")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    product = models.CharField(_("product"), max_length=30, choices=InjectionProduct.choices)
    injection_number = models.PositiveSmallIntegerField(_("injection number"))
    administered_at = models.DateTimeField(_("administered at"))
    # The clinic-local calendar day the injection counts for (schedules work in days).
    service_date = models.DateField(_("service date"))
    dose_mg = models.DecimalField(_("dose (mg)"), max_digits=8, decimal_places=2)
    site = models.CharField(_("injection site"), max_length=20, choices=InjectionSite.choices)
    lot = models.CharField(_("lot"), max_length=60)
    expiry = models.DateField(_("expiry date"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    # What the rules said: window, timing, the preset ("LABEL:<product>") and findings.
    earliest = models.DateField(null=True, blank=True)
    due = models.DateField(null=True, blank=True)
    latest = models.DateField(null=True, blank=True)
    timing = models.CharField(max_length=12)
    protocol_profile = models.CharField(max_length=60)
    rule_findings = models.JSONField(default=list, blank=True)
    override_reason = models.TextField(_("reason for overriding"), blank=True)
    override_rule_codes = models.JSONField(default=list, blank=True)
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["-administered_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(dose_mg__gt=0), name="injection_dose_positive"),
            models.CheckConstraint(
                condition=Q(injection_number__gte=1), name="injection_number_at_least_one"
            ),
            models.CheckConstraint(
                condition=Q(product__in=InjectionProduct.values), name="injection_product_known"
            ),
            models.CheckConstraint(
                condition=Q(site__in=InjectionSite.values), name="injection_site_known"
            ),
            models.CheckConstraint(condition=~Q(lot=""), name="injection_has_lot"),
            models.UniqueConstraint(
                fields=["patient", "product", "service_date"],
                name="one_injection_per_patient_product_day",
            ),
        ]
        indexes = [models.Index(fields=["patient", "product", "administered_at"])]

    def __str__(self) -> str:
        return f"{self.get_product_display()} {self.dose_mg} mg on {self.service_date}"

