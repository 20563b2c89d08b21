"""A dose refused by its bottle leaves nothing behind: no dose, no stock movement, no event.

The dose row is written before the stock is drawn, and the stock refusals now come from the
bottle's guarded UPDATE; the dose's one transaction must take the dose row down with them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from mooring.audit.models import AuditEvent
from mooring.core.errors import ValidationFailed
from mooring.inventory.models import InventoryLedgerEntry, StockBottle
from mooring.inventory.services import product_create, stock_quarantine, stock_receive
from mooring.medications.models import DoseAdministration
from tests.inventory.conftest import ONE_LITRE_MG
from tests.medications.conftest import NEW_YORK, TODAY, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def eve(personas, actor_for):
    return actor_for(personas["eve"])


def _nothing_written(bottle, mg):
    assert not DoseAdministration.objects.exists()
    assert not InventoryLedgerEntry.objects.filter(bottle=bottle, kind="dispense").exists()
    assert StockBottle.objects.get(pk=bottle.pk).balance_mg == mg
    assert not AuditEvent.objects.filter(object_type="dose_administration").exists()


def _window_copy(bottle):
    """The bottle as the dosing window loaded it, before anything below happened."""
    return StockBottle.objects.select_related("product", "clinic").get(pk=bottle.pk)


def test_an_expired_bottle_is_refused(signed, give, eve, harbor, methadone_product, clock):
    order = signed()
    lot = stock_receive(
        actor=eve,
        clinic=harbor,
        product=methadone_product,
        supplier="Mallinckrodt",
        lot="L-OLD",
        expires_on=TODAY - timedelta(days=1),
        bottle_count=1,
        quantity_mg_per_bottle=Decimal("500"),
        received_at=datetime(2026, 1, 5, 10, tzinfo=NEW_YORK),
    ).bottles[0]
    with pytest.raises(ValidationFailed) as caught:
        give(order, stock=_window_copy(lot))
    assert caught.value.code == "bottle_expired"
    assert caught.value.message.endswith(f"expired on {TODAY - timedelta(days=1)}.")
    _nothing_written(lot, Decimal("500"))


def test_a_bottle_quarantined_after_the_window_loaded_it_is_refused(signed, give, eve, bottle):
    order = signed()
    loaded = _window_copy(bottle)
    stock_quarantine(actor=eve, bottle=bottle, reason="Seal broken")
    with pytest.raises(ValidationFailed) as caught:
        give(order, stock=loaded)
    assert caught.value.code == "bottle_quarantined"
    _nothing_written(bottle, ONE_LITRE_MG)


def test_a_bottle_emptied_after_the_window_loaded_it_is_refused(signed, give, make_patient, receive):
    small = receive(mg=Decimal("40"))[0]  # one 30 mg dose, not two
    loaded = _window_copy(small)
    give(signed(make_patient("Ivy")), stock=small)
    with pytest.raises(ValidationFailed) as caught:
        give(signed(make_patient("Jo")), stock=loaded)
    assert caught.value.code == "insufficient_stock"
    assert DoseAdministration.objects.count() == 1
    assert StockBottle.objects.get(pk=small.pk).balance_mg == Decimal("10")


def test_a_bottle_of_another_medication_is_refused(signed, give, eve, receive):
    tablets = product_create(
        actor=eve,
        code="bup-8-sl",
        name="Buprenorphine 8 mg sublingual tablet",
        medication="buprenorphine",
        form="sublingual_tablet",
    )
    box = receive(mg=Decimal("80"), product=tablets)[0]
    with pytest.raises(ValidationFailed) as caught:
        give(signed(), stock=_window_copy(box))
    assert caught.value.code == "wrong_product"
    _nothing_written(box, Decimal("80"))


def test_the_day_a_bottle_expires_is_its_last_day_at_the_clinic(
    signed, give, eve, harbor, methadone_product, clock
):
    lot = stock_receive(
        actor=eve,
        clinic=harbor,
        product=methadone_product,
        supplier="Mallinckrodt",
        lot="L-EDGE",
        expires_on=date(2026, 3, 2),
        bottle_count=1,
        quantity_mg_per_bottle=Decimal("500"),
        received_at=datetime(2026, 1, 5, 10, tzinfo=NEW_YORK),
    ).bottles[0]
    clock.move_to(local(date(2026, 3, 2), 23, 30))  # already the 3rd in UTC
    assert give(signed(), stock=_window_copy(lot), at=local(date(2026, 3, 2), 23, 30))
