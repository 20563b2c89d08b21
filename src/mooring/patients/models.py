"""Patients, their pregnancy history and their episodes of care."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mooring.accounts.models import Clinic, Program


class SexAtBirth(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    INTERSEX = "intersex", _("Intersex")
    UNKNOWN = "unknown", _("Not recorded")


class Payer(models.TextChoices):
    MEDICAID = "medicaid", _("Medicaid")
    MEDICARE = "medicare", _("Medicare")
    PRIVATE = "private", _("Private insurance")
    UNINSURED = "uninsured", _("Uninsured / sliding fee")


class Patient(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="patients")
    home_clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    mrn = models.CharField(_("MRN"), max_length=20)
    legal_given_name = models.CharField(_("legal first name"), max_length=100)
    legal_family_name = models.CharField(_("legal last name"), max_length=100)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    sex_at_birth = models.CharField(_("sex assigned at birth"), max_length=10,
                                    choices=SexAtBirth.choices)
    gender_identity = models.CharField(_("gender identity"), max_length=60, blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=30, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=40, default="English")
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address_line = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=40, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=150, blank=True)
    emergency_contact_phone = models.CharField(_("emergency contact phone"), max_length=30,
                                               blank=True)
    emergency_contact_relationship = models.CharField(_("relationship"), max_length=60,
                                                      blank=True)
    payer = models.CharField(_("payer"), max_length=12, choices=Payer.choices)
    photo = models.ImageField(_("photo"), upload_to="patient-photos/", blank=True)
    # Lower-case, accent-free "given preferred family" for forgiving search.
    search_name = models.CharField(max_length=320, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_family_name", "legal_given_name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "mrn"], name="unique_mrn_per_program"),
        ]
        # Search looks MRNs up across the clinics a user can see, without the program.
        indexes = [models.Index(fields=["date_of_birth"]), models.Index(fields=["mrn"])]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.mrn})"

    @property
    def display_name(self) -> str:
        given = self.preferred_name or self.legal_given_name
        return f"{given} {self.legal_family_name}"

    @property
    def legal_name(self) -> str:
        return f"{self.legal_given_name} {self.legal_family_name}"

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - int(before_birthday)


class PregnancyRecord(models.Model):
    """Pregnancy status over time; the newest row is the current status (history is kept)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="pregnancies")
    is_pregnant = models.BooleanField()
    estimated_due_date = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_pregnant=True) | Q(estimated_due_date__isnull=True),
                name="due_date_only_when_pregnant",
            ),
        ]

    def __str__(self) -> str:
        status = "pregnant" if self.is_pregnant else "not pregnant"
        return f"{status} (recorded {self.recorded_at:%Y-%m-%d})"


class ProgramType(models.TextChoices):
    OTP = "otp", _("Opioid treatment program")
    OFFICE_BASED = "office_based", _("Office-based treatment")
    RESIDENTIAL = "residential", _("Residential")
    INTENSIVE_OUTPATIENT = "iop", _("Intensive outpatient")
    OUTPATIENT = "outpatient", _("Outpatient")
    WITHDRAWAL_MANAGEMENT = "withdrawal", _("Withdrawal management")


class DischargeReason(models.TextChoices):
    """TEDS-D REASON codes (shared/reference/standards.md section 8.1)."""

    COMPLETED = "1", _("Treatment completed")
    DROPPED_OUT = "2", _("Left against advice / dropped out")
    TERMINATED = "3", _("Terminated by facility")
    TRANSFERRED = "4", _("Transferred to another program or facility")
    INCARCERATED = "5", _("Incarcerated")
    DIED = "6", _("Died")
    OTHER = "7", _("Other")


class Episode(models.Model):
    """An admission to a program at a clinic, open until discharged ([admitted_on, discharged_on))."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="episodes")
    # Copied from the clinic so the database can enforce one open episode per program.
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="episodes")
    program_type = models.CharField(_("program type"), max_length=20, choices=ProgramType.choices)
    admitted_on = models.DateField(_("admission date"))
    admitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    readmission_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="readmissions")
    discharged_on = models.DateField(_("discharge date"), null=True, blank=True)
    discharge_reason = models.CharField(_("discharge reason"), max_length=2, blank=True,
                                        choices=DischargeReason.choices)
    discharge_note = models.TextField(_("discharge note"), blank=True)
    discharged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-admitted_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "program"],
                                    condition=Q(discharged_on__isnull=True),
                                    name="one_open_episode_per_program"),
            models.CheckConstraint(condition=Q(discharged_on__isnull=True)
                                   | Q(discharged_on__gte=models.F("admitted_on")),
                                   name="discharge_not_before_admission"),
            models.CheckConstraint(
                condition=(Q(discharged_on__isnull=True) & Q(discharge_reason=""))
                | (Q(discharged_on__isnull=False) & ~Q(discharge_reason="")),
                name="discharge_reason_with_discharge_date"),
        ]
        indexes = [models.Index(fields=["clinic", "discharged_on"])]

    def __str__(self) -> str:
        return f"{self.get_program_type_display()} from {self.admitted_on}"

    @property
    def is_open(self) -> bool:
        return self.discharged_on is None

    def length_of_stay(self, as_of: date) -> int:
        return ((self.discharged_on or as_of) - self.admitted_on).days
