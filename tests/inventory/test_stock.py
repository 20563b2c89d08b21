"""Receiving, wasting, spilling, moving and correcting stock; the ledger is append-only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from mooring.audit.models import AuditEvent
from mooring.core.errors import CapabilityDenied, Conflict, ValidationFailed
from mooring.inventory.models import EntryKind, InventoryLedgerEntry, StockBottle
from mooring.inventory.selectors import bottle_ledger, usable_bottles
from mooring.inventory.services import (
    ledger_reverse,
    stock_adjust,
    stock_quarantine,
    stock_receive,
    stock_spill,
    stock_transfer,
    stock_waste,
)
from tests.inventory.conftest import ONE_LITRE_MG

pytestmark = pytest.mark.django_db


@pytest.fixture
def eve(personas, actor_for):
    return actor_for(personas["eve"])


def _fresh(bottle):
    return StockBottle.objects.get(pk=bottle.pk)


def test_a_receipt_creates_sealed_bottles_each_with_a_ledger_entry(receive):
    bottles = receive(bottles=3)
    assert len(bottles) == 3
    for bottle in bottles:
        assert bottle.status == "sealed"
        assert bottle.balance_mg == ONE_LITRE_MG
        assert bottle.balance_ml == Decimal("1000")
        (entry,) = bottle_ledger(bottle)
        assert entry.kind == EntryKind.RECEIPT
        assert entry.delta_ml == Decimal("1000")
    assert AuditEvent.objects.filter(object_type="stock_receipt").count() == 1


def test_an_expired_lot_is_not_received(eve, harbor, methadone_product):
    with pytest.raises(ValidationFailed) as caught:
        stock_receive(
            actor=eve,
            clinic=harbor,
            product=methadone_product,
            supplier="X",
            lot="L1",
            expires_on=date(2020, 1, 1),
            bottle_count=1,
            quantity_mg_per_bottle=ONE_LITRE_MG,
        )
    assert caught.value.field == "expires_on"


def test_a_counsellor_cannot_receive_stock(personas, actor_for, harbor, methadone_product):
    with pytest.raises(CapabilityDenied):
        stock_receive(
            actor=actor_for(personas["chloe"]),
            clinic=harbor,
            product=methadone_product,
            supplier="X",
            lot="L1",
            expires_on=date(2030, 1, 1),
            bottle_count=1,
            quantity_mg_per_bottle=ONE_LITRE_MG,
        )


def test_waste_takes_stock_with_a_reason(eve, bottle):
    entry = stock_waste(
        actor=eve,
        bottle=bottle,
        amount_mg=Decimal("35"),
        reason="Dose poured, person left before taking it",
    )
    assert entry.delta_mg == Decimal("-35")
    assert entry.delta_ml == Decimal("-3.500")
    assert _fresh(bottle).balance_mg == ONE_LITRE_MG - 35


def test_a_spill_needs_a_witness_who_is_someone_else(eve, bottle, personas):
    with pytest.raises(ValidationFailed) as caught:
        stock_spill(
            actor=eve, bottle=bottle, amount_mg=Decimal("50"), reason="Knocked over", witness=None
        )
    assert caught.value.code == "witness_required"
    with pytest.raises(ValidationFailed) as caught:
        stock_spill(
            actor=eve,
            bottle=bottle,
            amount_mg=Decimal("50"),
            reason="Knocked over",
            witness=personas["eve"],
        )
    assert caught.value.code == "witness_is_actor"
    with pytest.raises(ValidationFailed) as caught:
        stock_spill(
            actor=eve,
            bottle=bottle,
            amount_mg=Decimal("50"),
            reason="Knocked over",
            witness=personas["dan"],
        )
    assert caught.value.code == "witness_not_staff"
    entry = stock_spill(
        actor=eve,
        bottle=bottle,
        amount_mg=Decimal("50"),
        reason="Knocked over",
        witness=personas["ben"],
    )
    assert entry.witness == personas["ben"]


def test_the_database_refuses_a_spill_without_witness(bottle, personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        InventoryLedgerEntry.objects.create(
            bottle=bottle,
            clinic=bottle.clinic,
            kind=EntryKind.SPILL,
            delta_mg=Decimal("-1"),
            balance_after_mg=Decimal("1"),
            occurred_at=bottle.created_at,
            actor=personas["eve"],
            reason="x",
        )


def test_stock_never_goes_negative(eve, receive):
    small = receive(mg=Decimal("20"))[0]
    with pytest.raises(ValidationFailed) as caught:
        stock_waste(actor=eve, bottle=small, amount_mg=Decimal("21"), reason="test")
    assert caught.value.code == "insufficient_stock"
    assert _fresh(small).balance_mg == Decimal("20")


def test_the_database_refuses_a_negative_balance(bottle):
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBottle.objects.filter(pk=bottle.pk).update(balance_mg=Decimal("-0.01"))


def test_a_correction_is_a_reversal_pointing_to_the_entry(eve, bottle):
    wasted = stock_waste(actor=eve, bottle=bottle, amount_mg=Decimal("35"), reason="Spoiled")
    reversal = ledger_reverse(actor=eve, entry=wasted, reason="Entered on the wrong bottle")
    assert reversal.reverses == wasted
    assert reversal.delta_mg == Decimal("35")
    assert _fresh(bottle).balance_mg == ONE_LITRE_MG
    assert [e.kind for e in bottle_ledger(bottle)] == ["receipt", "waste", "reversal"]
    with pytest.raises(Conflict):
        ledger_reverse(actor=eve, entry=wasted, reason="again")
    with pytest.raises(ValidationFailed) as caught:
        ledger_reverse(actor=eve, entry=reversal, reason="undo")
    assert caught.value.code == "reverse_of_reversal"


def test_ledger_entries_are_never_updated_or_deleted(eve, bottle):
    entry = bottle_ledger(bottle).first()
    entry.reason = "changed"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE inventory_inventoryledgerentry SET reason = 'x'",
        "DELETE FROM inventory_inventoryledgerentry",
    ],
)
@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_changing_the_ledger(bottle, statement):
    from django.db import DatabaseError

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


def test_an_adjustment_needs_a_reason(eve, bottle):
    with pytest.raises(ValidationFailed):
        stock_adjust(actor=eve, bottle=bottle, delta_mg=Decimal("-5"), reason=" ")
    entry = stock_adjust(actor=eve, bottle=bottle, delta_mg=Decimal("-5"), reason="Count")
    assert entry.kind == EntryKind.ADJUSTMENT


def test_a_transfer_moves_stock_between_clinics_in_two_legs(eve, bottle, ridge, personas):
    from mooring.accounts.access import forget_roles
    from mooring.accounts.models import StaffRole

    StaffRole.objects.create(user=personas["eve"], clinic=ridge, role="director")
    forget_roles(personas["eve"])
    moved = stock_transfer(actor=eve, bottle=bottle, to_clinic=ridge, amount_mg=Decimal("2000"))
    assert moved.new_bottle.clinic == ridge
    assert moved.new_bottle.balance_mg == Decimal("2000")
    assert moved.in_entry.transfer_pair == moved.out_entry
    assert _fresh(bottle).balance_mg == ONE_LITRE_MG - 2000


def test_quarantined_and_expired_bottles_are_not_usable(eve, receive, harbor):
    good, suspect = receive(bottles=2)
    stock_quarantine(actor=eve, bottle=suspect, reason="Seal broken on arrival")
    with pytest.raises(ValidationFailed) as caught:
        stock_waste(actor=eve, bottle=suspect, amount_mg=Decimal("1"), reason="x")
    assert caught.value.code == "bottle_quarantined"
    assert list(usable_bottles(harbor, on=date(2027, 1, 1))) == [good]
    assert list(usable_bottles(harbor, on=date(2028, 2, 1))) == []
