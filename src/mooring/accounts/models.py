"""Programs, clinics, staff users and their roles at each clinic."""

from __future__ import annotations

import uuid
import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from mooring.accounts.capabilities import Role


class Program(models.Model):
    """The organisation that runs one or more clinics; MRNs are unique within it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    mrn_prefix = models.CharField(max_length=6, default="M")
    next_mrn = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return self.name


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def default_opening_hours() -> dict[str, list[str]]:
    # ISO weekday (1 = Monday) -> [opens, closes] in local time; a missing day is closed.
    weekday = ["06:00", "14:00"]
    return {"1": weekday, "2": weekday, "3": weekday, "4": weekday, "5": weekday,
            "6": ["08:00", "11:00"]}


class Clinic(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="clinics")
    name = models.CharField(max_length=200)
    code = models.SlugField(max_length=20, unique=True)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    time_zone = models.CharField(max_length=64, default="America/New_York",
                                 validators=[validate_time_zone])
    opening_hours = models.JSONField(default=default_opening_hours)
    # The protocol profile whose numbers the rules core applies here (mooring.rules.profiles).
    protocol_profile = models.CharField(max_length=40, default="US-FED-2024")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def is_open_weekday(self, iso_weekday: int) -> bool:
        return str(iso_weekday) in (self.opening_hours or {})


class ClinicClosure(models.Model):
    """A day the clinic is closed (holiday, emergency); take-home planning reads these."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "date"], name="one_closure_per_clinic_day"),
        ]

    def __str__(self) -> str:
        return f"{self.clinic} closed {self.date}: {self.reason}"


class User(AbstractUser):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(_("name shown to colleagues"), max_length=150, blank=True)
    credentials = models.CharField(_("credentials"), max_length=60, blank=True,
                                   help_text=_("For example MD, NP, RN, LCSW."))

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def label(self) -> str:
        name = str(self)
        return f"{name}, {self.credentials}" if self.credentials else name


class StaffRole(models.Model):
    """One role a user holds at one clinic. Grants and revocations go through services."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "clinic", "role"], name="unique_staff_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.clinic}"
