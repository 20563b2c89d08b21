"""Take-home doses: the prescriber's criteria assessment, bottles handed over, returns, recalls.

The rules core (:mod:`mooring.rules.take_homes`) decides how many days a patient may take
home; this app records what was decided and what left the building. A
:class:`TakeHomeIssue` is one hand-over at the dosing window (one request key, one
decision); each of its :class:`TakeHomeBottle` rows is one dose for one date, drawn from
stock through the inventory ledger and recorded as a take-home
:class:`~mooring.medications.models.DoseAdministration`. The database refuses a second
bottle of the same order for the same date.

Assessments are append-only (the latest applies). A bottle's ``status`` moves once, from
``issued`` to the outcome of its return check or recall.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mooring.accounts.models import Clinic
from mooring.core.models import AppendOnlyModel
from mooring.inventory.models import InventoryLedgerEntry, StockBottle
from mooring.medications.models import DoseAdministration, MedicationOrder
from mooring.patients.models import Patient


class TakeHomeCriteriaAssessment(AppendOnlyModel):
    """A prescriber's judgement of which take-home criteria the patient meets. Append-only."""

    append_only_message = "Assessments are append-only; record a new one."

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="takehome_assessments"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    # Values of mooring.rules.profile_settings.TakeHomeCriterion judged met.
    criteria_met = models.JSONField(_("criteria met"), default=list)
    note = models.TextField(_("note"), blank=True)
    # The profile in force at the clinic when the assessment was made (for the record).
    protocol_profile = models.CharField(max_length=60)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(_("assessed at"))

    class Meta:
        ordering = ["-assessed_at", "-id"]
        indexes = [models.Index(fields=["patient", "assessed_at"])]

    def __str__(self) -> str:
        return f"Take-home criteria assessed {self.assessed_at:%Y-%m-%d}"



class TakeHomeIssue(models.Model):
    """One hand-over of take-home bottles at the window, and the rule decision behind it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.ForeignKey(
        MedicationOrder, on_delete=models.PROTECT, related_name="takehome_issues"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(
        TakeHomeCriteriaAssessment, on_delete=models.PROTECT, related_name="issues"
    )
    # The clinic-local day of the hand-over, and what the rules core said on it.
    service_date = models.DateField()
    protocol_profile = models.CharField(max_length=60)
    days_in_treatment = models.PositiveIntegerField()
    max_days = models.PositiveSmallIntegerField()
    findings = models.JSONField(default=list, blank=True)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"Take-homes issued {self.service_date}"


class BottleStatus(models.TextChoices):
    ISSUED = "issued", _("With the patient")
    RETURNED_EMPTY = "returned_empty", _("Returned empty")
    NOT_RETURNED = "not_returned", _("Not returned")
    TAMPERED = "tampered", _("Returned tampered")
    RECALLED = "recalled", _("Taken back at a recall")


class TakeHomeBottle(models.Model):
    """One take-home dose for one date, in one labelled bottle."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Short, unambiguous, printed on the label and read aloud: "TH-7K3Q9".
    code = models.CharField(_("bottle code"), max_length=12, unique=True)
    issue = models.ForeignKey(TakeHomeIssue, on_delete=models.PROTECT, related_name="bottles")
    order = models.ForeignKey(
        MedicationOrder, on_delete=models.PROTECT, related_name="takehome_bottles"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="takehome_bottles")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    for_date = models.DateField(_("for date"))
    # Given under the profile's closed-day allowance (not counted in the regular supply).
    closed_day = models.BooleanField(default=False)
    amount_mg = models.DecimalField(_("amount (mg)"), max_digits=8, decimal_places=2)
    volume_ml = models.DecimalField(
        _("volume (mL)"), max_digits=9, decimal_places=3, null=True, blank=True
    )
    stock_bottle = models.ForeignKey(StockBottle, on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(_("lot"), max_length=60)
    dose = models.OneToOneField(
        DoseAdministration, on_delete=models.PROTECT, related_name="takehome_bottle"
    )
    ledger_entry = models.OneToOneField(
        InventoryLedgerEntry, on_delete=models.PROTECT, related_name="takehome_bottle"
    )
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=BottleStatus.choices, default=BottleStatus.ISSUED
    )

    class Meta:
        ordering = ["for_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "for_date"], name="one_takehome_bottle_per_order_day"
            ),
            models.CheckConstraint(condition=Q(amount_mg__gt=0), name="takehome_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["clinic", "status", "for_date"]),
            models.Index(fields=["patient", "for_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} for {self.for_date}"


class ReturnOutcome(models.TextChoices):
    RETURNED_EMPTY = BottleStatus.RETURNED_EMPTY.value, BottleStatus.RETURNED_EMPTY.label
    NOT_RETURNED = BottleStatus.NOT_RETURNED.value, BottleStatus.NOT_RETURNED.label
    TAMPERED = BottleStatus.TAMPERED.value, BottleStatus.TAMPERED.label


class TakeHomeReturnCheck(models.Model):
    """The nurse's check of a bottle brought back (or not). One per bottle."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    bottle = models.OneToOneField(
        TakeHomeBottle, on_delete=models.PROTECT, related_name="return_check"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=16, choices=ReturnOutcome.choices)
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["-checked_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome=ReturnOutcome.TAMPERED) | ~Q(note=""),
                name="takehome_tampered_has_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.checked_at:%Y-%m-%d})"


class RecallStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RECORDED = "recorded", _("Recorded")


class RecallOutcome(models.TextChoices):
    ALL_PRESENT = "all_present", _("All bottles presented intact")
    DISCREPANCY = "discrepancy", _("Bottles missing or not intact")
    DID_NOT_ATTEND = "did_not_attend", _("Did not come in")


class TakeHomeRecall(models.Model):
    """A call-back: the patient brings every take-home bottle in by ``due_by``."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="takehome_recalls")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    due_by = models.DateTimeField(_("due by"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=RecallStatus.choices, default=RecallStatus.OPEN
    )
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=RecallOutcome.choices, blank=True
    )
    bottles_seen = models.ManyToManyField(TakeHomeBottle, blank=True, related_name="recalls_seen")
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_by", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status="open"),
                name="one_open_takehome_recall_per_patient",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="takehome_recall_has_reason"),
            models.CheckConstraint(
                condition=Q(status="open", outcome="")
                | Q(status="recorded", recorded_at__isnull=False) & ~Q(outcome=""),
                name="takehome_recall_recorded_has_outcome",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "status", "due_by"])]

    def __str__(self) -> str:
        return f"Recall due by {self.due_by:%Y-%m-%d %H:%M}"


class ConcernKind(models.TextChoices):
    TAMPERED = "tampered", _("Bottle returned tampered")
    NOT_RETURNED = "not_returned", _("Bottle not returned")
    RECALL_DISCREPANCY = "recall_discrepancy", _("Bottles missing at a recall")
    RECALL_MISSED = "recall_missed", _("Did not come in for a recall")


class TakeHomeConcern(models.Model):
    """Something about take-homes the prescriber must review and acknowledge."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ConcernKind.choices)
    message = models.TextField()
    bottle = models.ForeignKey(
        TakeHomeBottle, null=True, blank=True, on_delete=models.PROTECT, related_name="concerns"
    )
    recall = models.ForeignKey(
        TakeHomeRecall, null=True, blank=True, on_delete=models.PROTECT, related_name="concerns"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_note = models.TextField(blank=True)

    class Meta:
        ordering = ["raised_at", "id"]
        indexes = [models.Index(fields=["clinic", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.raised_at:%Y-%m-%d})"
