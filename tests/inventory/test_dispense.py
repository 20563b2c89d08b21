"""Drawing a dose's stock: one guarded UPDATE, the refusals it finds, the bottle's states.

``stock_dispense`` no longer locks and reads the bottle before writing it: the UPDATE's own
WHERE refuses a quarantined, expired or too small bottle, as the row is in the database, not
as the caller's copy says. These tests hold it to the old rules and messages.
"""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction

from mooring.core.errors import ValidationFailed
from mooring.inventory.models import EntryKind, InventoryLedgerEntry, StockBottle
from mooring.inventory.services import (
    ledger_reverse,
    product_create,
    stock_dispense,
    stock_quarantine,
    stock_receive,
    stock_waste,
)
from tests.inventory.conftest import ONE_LITRE_MG

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
AT = datetime(2026, 3, 2, 9, 0, tzinfo=NEW_YORK)


@pytest.fixture
def ben(personas, actor_for):
    return actor_for(personas["ben"])


@pytest.fixture
def eve(personas, actor_for):
    return actor_for(personas["eve"])


def _draw(actor, bottle, mg, at=AT):
    with transaction.atomic():
        return stock_dispense(
            actor=actor, bottle=bottle, amount_mg=Decimal(mg), occurred_at=at, reference=uuid.uuid4()
        )


def _fresh(bottle):
    return StockBottle.objects.get(pk=bottle.pk)


def _state(bottle):
    return bottle.balance_mg, bottle.balance_ml, bottle.status, bottle.opened_at


def _dispensed(bottle):
    return InventoryLedgerEntry.objects.filter(bottle=bottle, kind=EntryKind.DISPENSE).count()


def test_a_draw_opens_the_bottle_and_writes_the_running_balance(ben, bottle):
    entry = _draw(ben, bottle, "30")
    expected = (ONE_LITRE_MG - 30, Decimal("997.000"), "open", AT)
    assert _state(_fresh(bottle)) == expected
    assert _state(bottle) == expected  # the caller's copy follows the database
    assert (entry.delta_mg, entry.delta_ml, entry.balance_after_mg) == (
        Decimal("-30"),
        Decimal("-3.000"),
        ONE_LITRE_MG - 30,
    )
    assert InventoryLedgerEntry.objects.get(pk=entry.pk).balance_after_mg == ONE_LITRE_MG - 30
    _draw(ben, bottle, "30", at=AT + timedelta(hours=2))
    assert _fresh(bottle).opened_at == AT  # opened once, by the first draw


def test_the_ledger_entry_is_written_once(ben, bottle):
    entry = _draw(ben, bottle, "30")
    entry.reason = "changed"
    with pytest.raises(RuntimeError):
        entry.save()


def test_fractions_add_up_to_an_empty_bottle_on_both_engines(ben, receive):
    # 0.9 - 0.3 - 0.3 - 0.3 is not 0 in floating point, which SQLite computes in.
    small = receive(mg=Decimal("0.9"))[0]
    for _ in range(3):
        _draw(ben, small, "0.3")
    assert _state(_fresh(small))[:3] == (Decimal("0"), Decimal("0"), "empty")
    with pytest.raises(ValidationFailed) as caught:
        _draw(ben, small, "0.001")
    assert caught.value.code == "insufficient_stock"


def test_the_database_balance_decides_not_the_callers_copy(ben, bottle):
    stale = StockBottle.objects.select_related("product", "clinic").get(pk=bottle.pk)
    _draw(ben, bottle, str(ONE_LITRE_MG - 20))  # another nurse, through another object
    with pytest.raises(ValidationFailed) as caught:
        _draw(ben, stale, "30")
    assert caught.value.code == "insufficient_stock"
    assert caught.value.message == f"Bottle {bottle.label} holds 20.000 mg; 30 mg is more than that."
    assert _fresh(bottle).balance_mg == Decimal("20")
    assert _dispensed(bottle) == 1


def test_a_bottle_quarantined_since_the_page_loaded_is_refused(ben, eve, bottle):
    stale = StockBottle.objects.select_related("product", "clinic").get(pk=bottle.pk)
    stock_quarantine(actor=eve, bottle=bottle, reason="Seal broken")
    with pytest.raises(ValidationFailed) as caught:
        _draw(ben, stale, "30")
    assert caught.value.code == "bottle_quarantined"
    assert _fresh(bottle).balance_mg == ONE_LITRE_MG
    assert _dispensed(bottle) == 0


def test_a_bottle_is_usable_through_its_expiry_day_at_the_clinic(ben, eve, harbor, bottle):
    lot = stock_receive(
        actor=eve,
        clinic=harbor,
        product=bottle.product,
        supplier="Mallinckrodt",
        lot="L-SHORT",
        expires_on=date(2026, 3, 2),
        bottle_count=1,
        quantity_mg_per_bottle=Decimal("100"),
        received_at=datetime(2026, 1, 5, 10, tzinfo=NEW_YORK),
    ).bottles[0]
    # 23:30 in New York on the expiry day is already the next day in UTC: still usable.
    _draw(ben, lot, "30", at=datetime(2026, 3, 2, 23, 30, tzinfo=NEW_YORK))
    with pytest.raises(ValidationFailed) as caught:
        _draw(ben, lot, "30", at=datetime(2026, 3, 3, 0, 30, tzinfo=NEW_YORK))
    assert caught.value.code == "bottle_expired"
    assert caught.value.message == f"Bottle {lot.label} (lot L-SHORT) expired on 2026-03-02."
    assert _fresh(lot).balance_mg == Decimal("70")
    assert _dispensed(lot) == 1


def test_another_clinics_bottle_is_refused_before_anything_is_written(
    ben, receive, ridge, personas
):
    from mooring.accounts.access import forget_roles
    from mooring.accounts.models import StaffRole

    StaffRole.objects.create(user=personas["eve"], clinic=ridge, role="director")
    forget_roles(personas["eve"])
    ridge_bottle = receive(clinic=ridge)[0]
    with pytest.raises(ValidationFailed) as caught:
        _draw(ben, ridge_bottle, "30")
    assert caught.value.code == "bottle_wrong_clinic"
    assert _fresh(ridge_bottle).balance_mg == ONE_LITRE_MG


def test_a_solid_form_has_no_volume(ben, eve, receive):
    tablets = product_create(
        actor=eve,
        code="bup-8-sl",
        name="Buprenorphine 8 mg sublingual tablet",
        medication="buprenorphine",
        form="sublingual_tablet",
    )
    box = receive(mg=Decimal("80"), product=tablets)[0]
    entry = _draw(ben, box, "8")
    assert entry.delta_ml is None
    assert _state(_fresh(box))[:3] == (Decimal("72"), None, "open")


def test_a_bottle_wasted_to_nothing_is_empty_until_the_waste_is_reversed(eve, receive):
    small = receive(mg=Decimal("50"))[0]
    wasted = stock_waste(actor=eve, bottle=small, amount_mg=Decimal("50"), reason="Spoiled")
    assert _state(_fresh(small))[:3] == (Decimal("0"), Decimal("0"), "empty")
    ledger_reverse(actor=eve, entry=wasted, reason="Wrong bottle")
    # Never dispensed from, so never opened: sealed again, with its volume back.
    assert _state(_fresh(small)) == (Decimal("50"), Decimal("5.000"), "sealed", None)
