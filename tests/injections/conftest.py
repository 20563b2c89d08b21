"""Injection fixtures: Harbor's clock on a Monday morning and signed injectable orders."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.medications import conftest as medications

# The medication fixtures this suite shares (a frozen Harbor morning, signed orders).
TODAY, local = medications.TODAY, medications.local
clock, ada, ben = medications.clock, medications.ada, medications.ben
draft, signed = medications.draft, medications.signed

EXPIRY = date(2027, 6, 30)


@pytest.fixture
def naltrexone(signed):
    """A signed monthly naltrexone 380 mg order for a new patient, from TODAY.

    The person last used a short-acting opioid two weeks before (naltrexone readiness).
    """

    def make(patient=None, **kwargs):
        kwargs.setdefault("mg", Decimal("380"))
        kwargs.setdefault("last_opioid", "short_acting")
        kwargs.setdefault("last_opioid_use_at", local(TODAY, 9) - timedelta(days=14))
        return signed(
            patient, medication="naltrexone_xr", form="injection", phase="maintenance", **kwargs
        )

    return make


@pytest.fixture
def inject(ben):
    """Give an injection as Nurse Ben; defaults fit naltrexone 380 mg."""
    from mooring.injections.services import injection_give

    def do(
        order,
        *,
        actor=None,
        site="gluteal_left",
        dose=None,
        at=None,
        lot="NX-2026-01",
        expiry=EXPIRY,
        **kwargs,
    ):
        return injection_give(
            actor=actor or ben,
            order=order,
            site=site,
            lot=lot,
            expiry=expiry,
            dose_mg=dose if dose is not None else order.daily_dose_mg,
            administered_at=at,
            **kwargs,
        )

    return do
