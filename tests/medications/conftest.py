"""Dosing fixtures: a frozen clinic morning, stock, and a patient with a signed order."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine

from tests.inventory.conftest import bottle, methadone_product, receive  # noqa: F401

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
TODAY = date(2026, 3, 2)  # a Monday
START_MG = Decimal("30")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NEW_YORK)


@pytest.fixture
def clock():
    """Freeze the clock at 09:00 in New York on TODAY; ``clock.move_to(...)`` travels."""
    with time_machine.travel(local(TODAY, 9), tick=False) as traveller:
        yield traveller


@pytest.fixture
def ada(personas, actor_for):
    return actor_for(personas["ada"])


@pytest.fixture
def ben(personas, actor_for):
    return actor_for(personas["ben"])


@pytest.fixture
def draft(ada, make_patient, clock):
    from mooring.medications.services import OrderDraft, order_draft

    def make(
        patient=None,
        *,
        mg=START_MG,
        split=1,
        start=TODAY,
        medication="methadone",
        form="oral_liquid",
        phase="induction",
        end=None,
        **context,
    ):
        """``context``: the OrderDraft's start fields (last_opioid, cows_score, ...)."""
        patient = patient or make_patient()
        return order_draft(
            actor=ada,
            patient=patient,
            data=OrderDraft(
                medication=medication,
                form=form,
                phase=phase,
                daily_dose_mg=Decimal(mg),
                split=split,
                start_date=start,
                end_date=end,
                **context,
            ),
        )

    return make


@pytest.fixture
def signed(draft, ada):
    from mooring.medications.services import order_sign

    def make(patient=None, **kwargs):
        return order_sign(actor=ada, order=draft(patient, **kwargs))

    return make


@pytest.fixture
def give(ben, bottle):  # noqa: F811 (the bottle fixture imported above)
    """Dose as Nurse Ben from the Harbor bottle, a fresh request key each time."""
    from mooring.medications.services import dose_dispense

    counter = {"n": 0}

    def do(order, *, amount=None, at=None, index=1, actor=None, stock=None, key=None):
        counter["n"] += 1
        return dose_dispense(
            actor=actor or ben,
            order=order,
            amount_mg=amount if amount is not None else order.per_administration_mg,
            stock_bottle=stock or bottle,
            administered_at=at,
            administration_index=index,
            idempotency_key=key or f"req-{counter['n']}-{order.uuid}",
        )

    return do
