"""The append-only audit log, hash-chained so that a changed, removed or inserted row shows."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mooring.core.models import AppendOnlyModel


class Action(models.TextChoices):
    CREATE = "create", _("Create")
    READ = "read", _("Read")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    EXPORT = "export", _("Export")
    PRINT = "print", _("Print")
    LOGIN = "login", _("Login")
    LOGOUT = "logout", _("Logout")
    LOGIN_FAILED = "login_failed", _("Failed login")
    PRIVILEGE_CHANGE = "privilege_change", _("Privilege change")


class DataCategory(models.TextChoices):
    NONE = "none", _("No patient data")
    DEMOGRAPHICS = "demographics", _("Demographics")
    CLINICAL = "clinical", _("Clinical")
    # Part 2 records: anything that says a person is in substance-use treatment.
    SUD_TREATMENT = "sud_treatment", _("Substance-use treatment")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    DENIED = "denied", _("Denied")
    FAILURE = "failure", _("Failure")


class AuditEvent(AppendOnlyModel):
    """One thing that happened. Never updated or deleted (a database trigger refuses both)."""

    append_only_message = "Audit events are append-only; they are never saved twice."

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", db_constraint=False)
    actor_username = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=120, blank=True)
    clinic = models.ForeignKey("accounts.Clinic", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", db_constraint=False)
    patient = models.ForeignKey("patients.Patient", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+", db_constraint=False)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    data_category = models.CharField(max_length=20, choices=DataCategory.choices,
                                     default=DataCategory.NONE)
    source_address = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    channel = models.CharField(max_length=10, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["patient", "occurred_at"]),
            models.Index(fields=["actor", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type}"

