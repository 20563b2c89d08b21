"""Medication orders, observed dose administrations, holds and the safety records around them.

Orders are append-only once signed: a change is a new order that ``supersedes`` the old one,
whose end date becomes the new start (periods are ``[start_date, end_date)``). A dose
administration belongs to one order and one clinic-local ``service_date``; the database
itself refuses a second observed administration of the same order, day and index.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mooring.accounts.models import Clinic
from mooring.core.models import AppendOnlyModel
from mooring.inventory.models import StockBottle
from mooring.patients.models import Patient


class Medication(models.TextChoices):
    METHADONE = "methadone", _("Methadone")
    BUPRENORPHINE = "buprenorphine", _("Buprenorphine")
    BUPRENORPHINE_NALOXONE = "buprenorphine_naloxone", _("Buprenorphine/naloxone")
    BUPRENORPHINE_XR_WEEKLY = (
        "buprenorphine_xr_weekly",
        _("Buprenorphine extended-release injection (weekly)"),
    )
    BUPRENORPHINE_XR_MONTHLY = (
        "buprenorphine_xr_monthly",
        _("Buprenorphine extended-release injection (monthly)"),
    )
    NALTREXONE_ORAL = "naltrexone_oral", _("Naltrexone (oral)")
    NALTREXONE_XR = "naltrexone_xr", _("Naltrexone extended-release injection 380 mg")
    LOFEXIDINE = "lofexidine", _("Lofexidine")
    CLONIDINE = "clonidine", _("Clonidine")
    NALOXONE_KIT = "naloxone_kit", _("Naloxone kit")


class DoseForm(models.TextChoices):
    ORAL_LIQUID = "oral_liquid", _("Oral liquid")
    TABLET = "tablet", _("Tablet")
    SUBLINGUAL_TABLET = "sublingual_tablet", _("Sublingual tablet")
    FILM = "film", _("Film")
    INJECTION = "injection", _("Injection")
    NASAL_SPRAY = "nasal_spray", _("Nasal spray")


class Phase(models.TextChoices):
    INDUCTION = "induction", _("Induction")
    TITRATION = "titration", _("Titration")
    MAINTENANCE = "maintenance", _("Maintenance")
    TAPER = "taper", _("Taper")


class LastOpioid(models.TextChoices):
    """The kind of the last opioid used (the rules core's ``LastOpioid``, same values)."""

    SHORT_ACTING = (
        "short_acting",
        _("Short-acting opioid (heroin, fentanyl, immediate-release oxycodone)"),
    )
    EXTENDED_RELEASE = (
        "extended_release",
        _("Extended-release opioid (extended-release oxycodone or morphine)"),
    )
    METHADONE = "methadone", _("Methadone")
    BUPRENORPHINE = "buprenorphine", _("Buprenorphine")


class NaloxoneChallenge(models.TextChoices):
    """A naloxone challenge before naltrexone (the rules core's ``ChallengeResult``)."""

    NEGATIVE = "negative", _("Negative result (no withdrawal signs)")
    POSITIVE = "positive", _("Positive result (withdrawal signs)")


# COWS totals run from 0 to 48 (mooring.rules.instruments.cows.COWS).
COWS_RANGE = (0, 48)


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    ENDED = "ended", _("Ended")


class MedicationOrder(models.Model):
    """A prescriber's order. Never edited after signing; a change is a new order."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="orders")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="orders")
    medication = models.CharField(_("medication"), max_length=30, choices=Medication.choices)
    form = models.CharField(_("form"), max_length=20, choices=DoseForm.choices)
    phase = models.CharField(_("phase"), max_length=12, choices=Phase.choices)
    daily_dose_mg = models.DecimalField(_("daily dose (mg)"), max_digits=8, decimal_places=2)
    split = models.PositiveSmallIntegerField(_("administrations per day"), default=1)
    observed = models.BooleanField(_("observed dosing"), default=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(max_length=8, choices=OrderStatus.choices, default=OrderStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signed_orders",
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    # The protocol profile (mooring.rules.profiles) the order was checked against at signing,
    # and what the rules core said: [{"code", "severity", "message", "evidence", ...}].
    protocol_profile = models.CharField(max_length=60, blank=True)
    rule_findings = models.JSONField(default=list, blank=True)
    override_reason = models.TextField(_("reason for overriding"), blank=True)
    override_rule_codes = models.JSONField(default=list, blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    end_reason = models.CharField(max_length=300, blank=True)
    # What a start needs to know (naltrexone and buprenorphine readiness), as the prescriber
    # recorded it when writing the order: the last opioid use and, for a buprenorphine
    # induction, the latest COWS score (until the assessments app records it).
    last_opioid = models.CharField(
        _("last opioid used"), max_length=20, choices=LastOpioid.choices, blank=True
    )
    last_opioid_use_at = models.DateTimeField(_("time of last opioid use"), null=True, blank=True)
    cows_score = models.PositiveSmallIntegerField(_("latest COWS score"), null=True, blank=True)
    naloxone_challenge = models.CharField(
        _("naloxone challenge"), max_length=10, choices=NaloxoneChallenge.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(daily_dose_mg__gt=0), name="order_daily_dose_positive"
            ),
            models.CheckConstraint(condition=Q(split__gte=1), name="order_split_at_least_one"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("start_date")),
                name="order_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status=OrderStatus.DRAFT)
                | Q(prescriber__isnull=False, signed_at__isnull=False),
                name="order_signed_has_prescriber",
            ),
            models.CheckConstraint(
                condition=Q(override_reason="") | ~Q(status="draft"),
                name="order_override_only_when_signed",
            ),
            models.CheckConstraint(
                condition=Q(last_opioid="", last_opioid_use_at__isnull=True)
                | (~Q(last_opioid="") & Q(last_opioid_use_at__isnull=False)),
                name="order_last_opioid_kind_and_time_together",
            ),
            models.CheckConstraint(
                condition=Q(cows_score__isnull=True)
                | Q(cows_score__gte=COWS_RANGE[0], cows_score__lte=COWS_RANGE[1]),
                name="order_cows_score_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "status", "start_date"]),
            models.Index(fields=["patient", "medication", "start_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_medication_display()} {self.daily_dose_mg} mg from {self.start_date}"

    @property
    def is_signed(self) -> bool:
        return self.status != OrderStatus.DRAFT

    @property
    def per_administration_mg(self) -> Decimal:
        return self.daily_dose_mg / self.split

    def is_active_on(self, day: date) -> bool:
        """Signed, and ``day`` falls in ``[start_date, end_date)``."""
        return (
            self.is_signed
            and self.start_date <= day
            and (self.end_date is None or day < self.end_date)
        )


class DoseKind(models.TextChoices):
    OBSERVED = "observed", _("Observed")
    TAKE_HOME = "take_home", _("Take-home")


class DoseAdministration(AppendOnlyModel):
    """One administration of one order, given (or handed over) at a clinic. A ledger row."""

    append_only_message = "Doses are append-only; record a correction instead."

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.ForeignKey(
        MedicationOrder, on_delete=models.PROTECT, related_name="administrations"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="doses")
    # Where it was given: differs from the order's clinic for guest dosing.
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="doses")
    # The clinic-local calendar day the dose counts for.
    service_date = models.DateField(_("service date"))
    administered_at = models.DateTimeField(_("administered at"))
    amount_mg = models.DecimalField(_("amount (mg)"), max_digits=8, decimal_places=2)
    administration_index = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=10, choices=DoseKind.choices, default=DoseKind.OBSERVED)
    nurse = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stock_bottle = models.ForeignKey(
        StockBottle, null=True, blank=True, on_delete=models.PROTECT, related_name="doses"
    )
    back_entered = models.BooleanField(default=False)
    entered_at = models.DateTimeField()
    idempotency_key = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-administered_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_mg__gt=0), name="dose_amount_positive"),
            models.CheckConstraint(
                condition=Q(administration_index__gte=1), name="dose_index_at_least_one"
            ),
            models.UniqueConstraint(
                fields=["order", "service_date", "administration_index"],
                condition=Q(kind="observed"),
                name="one_observed_dose_per_order_day_index",
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "service_date"]),
            models.Index(fields=["patient", "service_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.amount_mg} mg on {self.service_date} ({self.get_kind_display()})"


class DoseHold(models.Model):
    """A prescriber's hold on dosing, ``[starts_on, ends_on)``; released early if needed."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="dose_holds")
    # Blank: every medication for this patient.
    medication = models.CharField(max_length=30, choices=Medication.choices, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    reason = models.TextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField()
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on")),
                name="hold_end_after_start",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="hold_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Hold from {self.starts_on}: {self.reason[:40]}"


class SedationAssessment(models.Model):
    """The nurse's finding that a person appears sedated or intoxicated: no dose that day."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(MedicationOrder, on_delete=models.PROTECT, related_name="+")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    service_date = models.DateField()
    assessed_at = models.DateTimeField()
    observations = models.TextField()
    nurse = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-assessed_at", "-id"]
        indexes = [models.Index(fields=["patient", "service_date"])]

    def __str__(self) -> str:
        return f"Appeared sedated on {self.service_date}"


class MissedDoseReview(models.Model):
    """A prescriber's review after missed doses, letting dosing resume on the same order."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.ForeignKey(
        MedicationOrder, on_delete=models.PROTECT, related_name="missed_dose_reviews"
    )
    service_date = models.DateField()
    note = models.TextField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField()

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "service_date"], name="one_missed_dose_review_per_order_day"
            ),
        ]

    def __str__(self) -> str:
        return f"Missed doses reviewed for {self.service_date}"


class FlagKind(models.TextChoices):
    APPEARS_SEDATED = "appears_sedated", _("Appears sedated or intoxicated")
    MISSED_DOSES = "missed_doses", _("Missed doses")


class PrescriberFlag(models.Model):
    """Something a prescriber must see and acknowledge."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=FlagKind.choices)
    message = models.TextField()
    source_uuid = models.UUIDField(null=True, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["clinic", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.raised_at:%Y-%m-%d})"


class QtcMeasurement(models.Model):
    """A QTc interval read from an ECG."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="qtc_measurements")
    measured_on = models.DateField(_("ECG date"))
    qtc_ms = models.PositiveSmallIntegerField(_("QTc (ms)"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-measured_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(qtc_ms__gte=200) & Q(qtc_ms__lte=800), name="qtc_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"QTc {self.qtc_ms} ms on {self.measured_on}"


class GuestDosingArrangement(models.Model):
    """A person enrolled at ``home_clinic`` is dosed at ``host_clinic`` for ``[start, end)``.

    The host doses from the home clinic's signed order; the home clinic does not dose on
    those days. Never deleted: cancelling records who, when and why, and the arrangement
    stops counting from ``cancelled_from`` (the home clinic's day of cancelling).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="guest_arrangements"
    )
    home_clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    host_clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="guest_arrangements"
    )
    # The home clinic's order in force when the arrangement was made (the host doses from
    # whichever home order is in force on the day, should the prescriber change it).
    order = models.ForeignKey(
        MedicationOrder, on_delete=models.PROTECT, related_name="guest_arrangements"
    )
    start_date = models.DateField(_("first day at the host clinic"))
    end_date = models.DateField(_("first day back at the home clinic"))
    reason = models.TextField(_("reason"))
    arranged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    arranged_at = models.DateTimeField()
    cancelled_from = models.DateField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")), name="guest_end_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(home_clinic=F("host_clinic")), name="guest_host_not_home"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="guest_has_reason"),
            models.CheckConstraint(
                condition=Q(
                    cancelled_at__isnull=True,
                    cancelled_by__isnull=True,
                    cancelled_from__isnull=True,
                    cancel_reason="",
                )
                | (
                    Q(
                        cancelled_at__isnull=False,
                        cancelled_by__isnull=False,
                        cancelled_from__isnull=False,
                    )
                    & ~Q(cancel_reason="")
                ),
                name="guest_cancel_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["host_clinic", "start_date"]),
            models.Index(fields=["home_clinic", "start_date"]),
            models.Index(fields=["patient", "start_date"]),
        ]

    def __str__(self) -> str:
        return f"Guest at {self.host_clinic} {self.start_date}..{self.end_date}"

    @property
    def last_day(self) -> date:
        """The last day dosed at the host (``end_date`` is the first day back home)."""
        return date.fromordinal(self.end_date.toordinal() - 1)

    def is_active_on(self, day: date) -> bool:
        return self.start_date <= day < self.end_date and (
            self.cancelled_from is None or day < self.cancelled_from
        )
