"""Naloxone fixtures: Harbor's Monday morning, patients and signed orders."""

from __future__ import annotations

from datetime import date

import pytest

from tests.medications import conftest as medications

TODAY, local = medications.TODAY, medications.local
clock, ada, ben = medications.clock, medications.ada, medications.ben
draft, signed = medications.draft, medications.signed

EXPIRY = date(2027, 6, 30)


@pytest.fixture
def hand_out(ben, clock):
    """Give one Narcan kit to the patient as Nurse Ben, unless told otherwise."""
    from mooring.naloxone.services import naloxone_kit_give

    def do(
        patient,
        *,
        actor=None,
        product="narcan_nasal_spray",
        quantity=1,
        lot="NC-1",
        expiry=EXPIRY,
        **kwargs,
    ):
        return naloxone_kit_give(
            actor=actor or ben,
            patient=patient,
            product=product,
            quantity=quantity,
            lot=lot,
            expiry=expiry,
            **kwargs,
        )

    return do
