"""The append-only audit log and its hash chain.

An event is written in the transaction of the change it describes (one INSERT). A database
trigger queues it in ``AuditPending``; after the commit a sealer appends its ``AuditSeal``:
its place in the chain and a hash over its stored content and the previous seal's hash, so
that a changed, removed or inserted event shows (docs/adr/0004-seal-the-audit-chain-after-commit.md).
"""

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

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["patient", "occurred_at"]),
            models.Index(fields=["actor", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type}"



class AuditSeal(AppendOnlyModel):
    """One event's place in the chain, appended after the event's transaction committed.

    Never updated or deleted (database triggers refuse both). The chain's order is the order
    of sealing, not of ids: an event whose transaction committed late is sealed late.
    """

    append_only_message = "Audit seals are append-only; they are never saved twice."

    position = models.BigIntegerField(primary_key=True)  # 1, 2, 3 ... with no gap
    # No foreign key in the database, like the event's own references: the triggers and the
    # role's privileges keep events from being removed, and verify reports a seal whose
    # event is gone.
    event = models.OneToOneField(AuditEvent, on_delete=models.PROTECT, related_name="seal",
                                 db_constraint=False)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    sealed_at = models.DateTimeField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"seal {self.position} of event {self.event_id}"


class AuditPending(models.Model):
    """An event waiting for its seal: a work queue, not a record.

    A trigger on ``audit_auditevent`` adds one row per event inserted, whatever inserted it;
    the sealer deletes the rows it seals. No foreign key, so that a row whose event was
    removed before it was sealed stays here as evidence for ``mooring audit verify``.
    """

    event_id = models.BigIntegerField(primary_key=True)

    class Meta:
        ordering = ["event_id"]

    def __str__(self) -> str:
        return f"event {self.event_id} waiting to be sealed"
