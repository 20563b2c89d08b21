"""Withdrawal fixtures: Harbor's Monday morning and signed lofexidine and clonidine courses."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.medications import conftest as medications

TODAY, local = medications.TODAY, medications.local
clock, ada, ben = medications.clock, medications.ada, medications.ben
draft, signed = medications.draft, medications.signed

TABLET = Decimal("0.18")


def tablets(n: int) -> Decimal:
    return TABLET * n


@pytest.fixture
def lofexidine(signed):
    """A signed lofexidine course: 3 tablets four times a day (2.16 mg a day) from TODAY."""

    def make(patient=None, **kwargs):
        kwargs.setdefault("mg", tablets(12))
        kwargs.setdefault("split", 4)
        return signed(
            patient, medication="lofexidine", form="tablet", phase="maintenance", **kwargs
        )

    return make


@pytest.fixture
def clonidine(signed):
    def make(patient=None, **kwargs):
        kwargs.setdefault("mg", Decimal("0.6"))
        kwargs.setdefault("split", 3)
        return signed(patient, medication="clonidine", form="tablet", phase="maintenance", **kwargs)

    return make


@pytest.fixture
def give(ben):
    """Give a dose as Nurse Ben; default: the order's per-administration dose."""
    from mooring.withdrawal.services import withdrawal_dose_give

    def do(order, *, dose=None, actor=None, **kwargs):
        return withdrawal_dose_give(
            actor=actor or ben,
            order=order,
            dose_mg=dose if dose is not None else order.per_administration_mg,
            **kwargs,
        )

    return do
