"""Controlled-substance stock: products, bottles, receipts, the ledger and reconciliation.

Every milligram is accounted for in :class:`InventoryLedgerEntry`, an append-only ledger in
mg and mL. A bottle's ``balance_mg``/``balance_ml`` columns are the running totals of its
ledger, changed only by :mod:`mooring.inventory.services` under a row lock in the same
transaction as the entry; a database check constraint refuses a negative balance even if
Python were wrong. A correction is a reversal entry with a reason: nothing is updated or
deleted (the ledger table also refuses UPDATE and DELETE in PostgreSQL).
"""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mooring.accounts.models import Clinic
from mooring.core.models import AppendOnlyModel

ML_QUANTUM = Decimal("0.001")


class Product(models.Model):
    """A stocked preparation, e.g. methadone oral concentrate 10 mg/mL."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # The medication slug (mooring.medications.models.Medication) this product supplies;
    # inventory sits below medications and does not import its choices.
    medication = models.CharField(_("medication"), max_length=40)
    form = models.CharField(_("form"), max_length=20)
    # Liquids: mg per mL, so every ledger entry also states its volume. Null for solid forms.
    concentration_mg_per_ml = models.DecimalField(
        _("concentration (mg/mL)"), max_digits=8, decimal_places=3, null=True, blank=True
    )
    controlled = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(concentration_mg_per_ml__isnull=True)
                | Q(concentration_mg_per_ml__gt=0),
                name="product_concentration_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def ml_for(self, amount_mg: Decimal) -> Decimal | None:
        """The volume holding ``amount_mg`` (None for solid forms)."""
        if self.concentration_mg_per_ml is None:
            return None
        return (amount_mg / self.concentration_mg_per_ml).quantize(ML_QUANTUM, ROUND_HALF_UP)

    def mg_for(self, volume_ml: Decimal) -> Decimal:
        if self.concentration_mg_per_ml is None:
            raise ValueError(f"{self} is not a liquid; it has no volume")
        return volume_ml * self.concentration_mg_per_ml


class StockReceipt(models.Model):
    """A delivery from a supplier: one lot, one or more bottles."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="stock_receipts")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="receipts")
    supplier = models.CharField(_("supplier"), max_length=200)
    invoice_number = models.CharField(_("invoice or DEA form number"), max_length=60, blank=True)
    lot = models.CharField(_("lot"), max_length=60)
    expires_on = models.DateField(_("expiry date"))
    bottle_count = models.PositiveIntegerField(_("bottles"))
    quantity_mg_per_bottle = models.DecimalField(max_digits=12, decimal_places=3)
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(bottle_count__gte=1), name="receipt_has_bottles"),
            models.CheckConstraint(
                condition=Q(quantity_mg_per_bottle__gt=0), name="receipt_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} lot {self.lot} x{self.bottle_count}"


class BottleStatus(models.TextChoices):
    SEALED = "sealed", _("Sealed")
    OPEN = "open", _("Open")
    EMPTY = "empty", _("Empty")
    QUARANTINED = "quarantined", _("Quarantined")


class StockBottle(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="stock_bottles")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="bottles")
    receipt = models.ForeignKey(
        StockReceipt, null=True, blank=True, on_delete=models.PROTECT, related_name="bottles"
    )
    label = models.CharField(_("bottle label"), max_length=40)
    lot = models.CharField(_("lot"), max_length=60)
    expires_on = models.DateField(_("expiry date"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=BottleStatus.choices, default=BottleStatus.SEALED
    )
    # Running totals of this bottle's ledger; written only under select_for_update.
    balance_mg = models.DecimalField(max_digits=12, decimal_places=3, default=Decimal(0))
    balance_ml = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["clinic", "product", "expires_on", "label"]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_mg__gte=0), name="bottle_balance_mg_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(balance_ml__isnull=True) | Q(balance_ml__gte=0),
                name="bottle_balance_ml_not_negative",
            ),
            models.UniqueConstraint(fields=["clinic", "label"], name="unique_bottle_label"),
        ]
        indexes = [models.Index(fields=["clinic", "status"])]

    def __str__(self) -> str:
        return f"{self.label} ({self.product}, lot {self.lot})"


class EntryKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    DISPENSE = "dispense", _("Dispense")
    WASTE = "waste", _("Waste")
    SPILL = "spill", _("Spill")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    ADJUSTMENT = "adjustment", _("Adjustment")
    REVERSAL = "reversal", _("Reversal")


_ADDS = [EntryKind.RECEIPT, EntryKind.TRANSFER_IN]
_REMOVES = [EntryKind.DISPENSE, EntryKind.WASTE, EntryKind.SPILL, EntryKind.TRANSFER_OUT]
_NEEDS_REASON = [EntryKind.WASTE, EntryKind.SPILL, EntryKind.ADJUSTMENT, EntryKind.REVERSAL]


class InventoryLedgerEntry(AppendOnlyModel):
    """One movement of stock in or out of one bottle. Append-only."""

    append_only_message = "Ledger entries are append-only; correct one with a reversal."

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    bottle = models.ForeignKey(StockBottle, on_delete=models.PROTECT, related_name="entries")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=14, choices=EntryKind.choices)
    # Signed: positive adds to the bottle, negative takes from it.
    delta_mg = models.DecimalField(max_digits=12, decimal_places=3)
    delta_ml = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    balance_after_mg = models.DecimalField(max_digits=12, decimal_places=3)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    # The other leg of a transfer (set on the transfer-in leg).
    transfer_pair = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The public id of what caused the movement (a dose administration's uuid, a count's).
    reference = models.UUIDField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "inventory ledger entries"
        constraints = [
            models.CheckConstraint(condition=~Q(delta_mg=0), name="ledger_delta_not_zero"),
            models.CheckConstraint(
                condition=~Q(kind__in=_ADDS) | Q(delta_mg__gt=0), name="ledger_additions_positive"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=_REMOVES) | Q(delta_mg__lt=0), name="ledger_removals_negative"
            ),
            models.CheckConstraint(
                condition=~Q(kind=EntryKind.SPILL) | Q(witness__isnull=False),
                name="ledger_spill_has_witness",
            ),
            models.CheckConstraint(
                condition=Q(witness__isnull=True) | ~Q(witness=F("actor")),
                name="ledger_witness_is_another_person",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=_NEEDS_REASON) | ~Q(reason=""),
                name="ledger_reason_where_required",
            ),
            models.CheckConstraint(
                condition=Q(kind=EntryKind.REVERSAL, reverses__isnull=False)
                | (~Q(kind=EntryKind.REVERSAL) & Q(reverses__isnull=True)),
                name="ledger_reversal_points_to_entry",
            ),
            models.CheckConstraint(
                condition=Q(balance_after_mg__gte=0), name="ledger_balance_after_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["clinic", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.delta_mg} mg on {self.bottle}"



class CountStatus(models.TextChoices):
    BALANCED = "balanced", _("Count matches")
    OPEN = "open", _("Discrepancy open")
    CLOSED = "closed", _("Discrepancy closed")


class ReconciliationCount(models.Model):
    """An end-of-day physical count of one bottle against its book balance."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    bottle = models.ForeignKey(StockBottle, on_delete=models.PROTECT, related_name="counts")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    service_date = models.DateField(_("day counted"))
    expected_mg = models.DecimalField(max_digits=12, decimal_places=3)
    counted_mg = models.DecimalField(max_digits=12, decimal_places=3)
    expected_ml = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    counted_ml = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    counted_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=CountStatus.choices)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    close_note = models.TextField(blank=True)
    adjustment = models.OneToOneField(
        InventoryLedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="count"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-counted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(counted_mg__gte=0), name="count_not_negative"),
            models.CheckConstraint(
                condition=Q(status=CountStatus.BALANCED) | ~Q(comment=""),
                name="count_discrepancy_has_comment",
            ),
            # The four-eyes rule: whoever closes a discrepancy did not count it.
            models.CheckConstraint(
                condition=Q(closed_by__isnull=True) | ~Q(closed_by=F("counted_by")),
                name="count_closed_by_another_person",
            ),
            models.CheckConstraint(
                condition=~Q(status=CountStatus.CLOSED)
                | Q(closed_by__isnull=False, closed_at__isnull=False),
                name="count_closed_has_closer",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "status"])]

    def __str__(self) -> str:
        return f"Count of {self.bottle} on {self.service_date}: {self.get_status_display()}"

    @property
    def discrepancy_mg(self) -> Decimal:
        return self.counted_mg - self.expected_mg
