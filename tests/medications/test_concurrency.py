"""Two nurses, one patient, the same instant: exactly one dose (real PostgreSQL connections)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mooring.core.errors import DomainError
from mooring.inventory.models import EntryKind, InventoryLedgerEntry, StockBottle
from mooring.medications.models import DoseAdministration
from mooring.medications.services import dose_dispense
from tests.concurrency import at_once
from tests.inventory.conftest import ONE_LITRE_MG, postgres_only

pytestmark = [*postgres_only, pytest.mark.django_db(transaction=True)]


def _race(actor, order, bottle, keys):
    def press(key):
        return lambda: dose_dispense(
            actor=actor,
            order=order,
            amount_mg=Decimal("30"),
            stock_bottle=bottle,
            idempotency_key=key,
        )

    return at_once(*(press(key) for key in keys))


def test_two_nurses_pressing_dispense_at_once_give_one_dose(signed, ben, bottle):
    order = signed()
    results = _race(ben, order, bottle, ["nurse-a", "nurse-b"])
    doses = [r for r in results if isinstance(r, DoseAdministration)]
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert len(doses) == 1
    assert [r.code for r in refusals] == ["already_dosed_today"]
    assert DoseAdministration.objects.count() == 1
    assert InventoryLedgerEntry.objects.filter(kind=EntryKind.DISPENSE).count() == 1
    assert StockBottle.objects.get(pk=bottle.pk).balance_mg == ONE_LITRE_MG - Decimal("30")


def test_a_retried_request_racing_itself_doses_once(signed, ben, bottle):
    order = signed()
    results = _race(ben, order, bottle, ["same-key", "same-key"])
    assert all(isinstance(r, DoseAdministration) for r in results)
    assert len({r.pk for r in results}) == 1
    assert InventoryLedgerEntry.objects.filter(kind=EntryKind.DISPENSE).count() == 1


def test_two_patients_drawing_one_bottle_never_overdraw_it(signed, ben, receive, make_patient):
    small = receive(mg=Decimal("40"))[0]  # enough for one 30 mg dose, not two
    first, second = signed(make_patient("Ivy")), signed(make_patient("Jo"))
    results = at_once(
        *(
            (
                lambda order=order, key=f"k{n}": dose_dispense(
                    actor=ben,
                    order=order,
                    amount_mg=Decimal("30"),
                    stock_bottle=small,
                    idempotency_key=key,
                )
            )
            for n, order in enumerate((first, second))
        )
    )
    assert sorted(type(r).__name__ for r in results) == ["DoseAdministration", "ValidationFailed"]
    assert [r.code for r in results if isinstance(r, DomainError)] == ["insufficient_stock"]
    assert StockBottle.objects.get(pk=small.pk).balance_mg == Decimal("10")
    assert DoseAdministration.objects.count() == 1
