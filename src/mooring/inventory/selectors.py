"""Reads of stock for the nurse's station and the director's page."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from mooring.accounts.models import Clinic
from mooring.inventory.models import (
    BottleStatus,
    CountStatus,
    InventoryLedgerEntry,
    ReconciliationCount,
    StockBottle,
)


def usable_bottles(
    clinic: Clinic, *, on: date, medication: str | None = None
) -> QuerySet[StockBottle]:
    """Bottles a nurse may draw from today: not empty, quarantined or expired; open first."""
    bottles = StockBottle.objects.filter(
        clinic=clinic,
        status__in=[BottleStatus.SEALED, BottleStatus.OPEN],
        expires_on__gte=on,
        balance_mg__gt=0,
    ).select_related("product")
    if medication is not None:
        bottles = bottles.filter(product__medication=medication)
    # Open bottles first, then the lot that expires soonest (first expiry, first out).
    return bottles.order_by("-opened_at", "expires_on", "label")


def bottle_ledger(bottle: StockBottle) -> QuerySet[InventoryLedgerEntry]:
    return (
        InventoryLedgerEntry.objects.filter(bottle=bottle)
        .select_related("actor", "witness", "reverses")
        .order_by("id")
    )


def open_discrepancies(clinic: Clinic) -> QuerySet[ReconciliationCount]:
    """Counts that differ from the book and await a second person, oldest first."""
    return (
        ReconciliationCount.objects.filter(clinic=clinic, status=CountStatus.OPEN)
        .select_related("bottle", "bottle__product", "counted_by")
        .order_by("counted_at", "id")
    )
