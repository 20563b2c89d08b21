"""Two nurses handing over the same take-homes at once: one set of bottles (real PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mooring.core.errors import DomainError
from mooring.inventory.models import EntryKind, InventoryLedgerEntry, StockBottle
from mooring.takehomes.models import TakeHomeBottle
from mooring.takehomes.services import takehome_issue
from tests.concurrency import at_once
from tests.inventory.conftest import ONE_LITRE_MG, postgres_only
from tests.takehomes.conftest import days

pytestmark = [*postgres_only, pytest.mark.django_db(transaction=True)]


def _race(actor, order, bottle, keys):
    def press(key):
        return lambda: takehome_issue(
            actor=actor, order=order, dates=days(1, 3), stock_bottle=bottle, idempotency_key=key
        )

    return at_once(*(press(key) for key in keys))


def test_two_nurses_issuing_the_same_dates_at_once_hand_over_one_set(ready, ben, bottle):
    order = ready()
    results = _race(ben, order, bottle, ["nurse-a", "nurse-b"])
    issued = [r for r in results if isinstance(r, list)]
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert len(issued) == 1
    assert [r.code for r in refusals] == ["takehome_already_issued"]
    assert TakeHomeBottle.objects.count() == 3
    assert InventoryLedgerEntry.objects.filter(kind=EntryKind.DISPENSE).count() == 3
    assert StockBottle.objects.get(pk=bottle.pk).balance_mg == ONE_LITRE_MG - Decimal("90")


def test_a_retried_hand_over_racing_itself_issues_once(ready, ben, bottle):
    order = ready()
    results = _race(ben, order, bottle, ["same-key", "same-key"])
    assert all(isinstance(r, list) for r in results), results
    assert {tuple(b.pk for b in r) for r in results} == {
        tuple(TakeHomeBottle.objects.order_by("for_date").values_list("pk", flat=True))
    }
    assert InventoryLedgerEntry.objects.filter(kind=EntryKind.DISPENSE).count() == 3
