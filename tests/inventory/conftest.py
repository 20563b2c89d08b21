"""Stock fixtures: methadone 10 mg/mL at Harbor, received by Eve Stone, the director."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

ONE_LITRE_MG = Decimal("10000")  # a 1000 mL bottle of 10 mg/mL concentrate

# Spread into pytestmark or a test's decorators: skipped, with the reason, on SQLite.
postgres_only = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs real PostgreSQL row locks, triggers and connections",
    ),
]


@pytest.fixture
def methadone_product(personas, actor_for):
    from mooring.inventory.services import product_create

    return product_create(
        actor=actor_for(personas["eve"]),
        code="methadone-10-ml",
        name="Methadone oral concentrate 10 mg/mL",
        medication="methadone",
        form="oral_liquid",
        concentration_mg_per_ml=Decimal("10"),
    )


@pytest.fixture
def receive(personas, actor_for, harbor, methadone_product):
    from mooring.inventory.services import stock_receive

    def do(
        *, clinic=None, mg=ONE_LITRE_MG, bottles=1, product=None, expires_on=None, lot="L2026-01"
    ):
        return stock_receive(
            actor=actor_for(personas["eve"], clinic or harbor),
            clinic=clinic or harbor,
            product=product or methadone_product,
            supplier="Mallinckrodt",
            lot=lot,
            expires_on=expires_on or date(2028, 1, 31),
            bottle_count=bottles,
            quantity_mg_per_bottle=mg,
        ).bottles

    return do


@pytest.fixture
def bottle(receive):
    return receive()[0]
