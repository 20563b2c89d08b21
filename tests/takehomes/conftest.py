"""Take-home fixtures: Monday 2 March 2026 at Harbor, a methadone order and stock.

Harbor opens Monday to Saturday (the default opening hours); Sunday is closed.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.inventory.conftest import bottle, methadone_product, receive  # noqa: F401
from tests.medications.conftest import TODAY, ada, ben, clock, draft, give, signed  # noqa: F401

ALL_2024_CRITERIA = [
    "no_active_risk_condition",
    "regular_attendance",
    "no_serious_behavioural_problems",
    "no_recent_diversion",
    "safe_transport_and_storage",
    "practitioner_other_criteria",
]


def days(first: int, last: int) -> list[date]:
    """TODAY + first ... TODAY + last, inclusive."""
    return [TODAY + timedelta(days=n) for n in range(first, last + 1)]


@pytest.fixture
def patient_on_day(make_patient, clock):  # noqa: F811
    """A Harbor patient admitted so that TODAY is day ``n`` of treatment."""

    def make(n: int, given: str = "Alex", **kwargs):
        return make_patient(given, admitted_on=TODAY - timedelta(days=n), **kwargs)

    return make


@pytest.fixture
def assess(ada):  # noqa: F811
    from mooring.takehomes.services import takehome_assessment_record

    def do(patient, criteria=None, *, actor=None, note="Stable, safe box at home"):
        return takehome_assessment_record(
            actor=actor or ada,
            patient=patient,
            criteria_met=ALL_2024_CRITERIA if criteria is None else criteria,
            note=note,
        )

    return do


@pytest.fixture
def ready(patient_on_day, assess, signed):  # noqa: F811
    """An order for a patient on day ``n`` with every 2024 criterion judged met."""

    def make(n: int = 10, given: str = "Alex", **kwargs):
        patient = patient_on_day(n, given)
        assess(patient)
        return signed(patient, **kwargs)

    return make


@pytest.fixture
def issue(ben, bottle):  # noqa: F811
    from mooring.takehomes.services import takehome_issue

    counter = {"n": 0}

    def do(order, dates, *, actor=None, stock=None, key=None):
        counter["n"] += 1
        return takehome_issue(
            actor=actor or ben,
            order=order,
            dates=dates,
            stock_bottle=stock or bottle,
            idempotency_key=key or f"th-{counter['n']}-{order.uuid}",
        )

    return do
