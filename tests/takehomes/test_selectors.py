"""The dosing window's take-home lists: what may go out today, what is due back, in constant queries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mooring.accounts.models import ClinicClosure
from mooring.takehomes.selectors import returns_due, takehomes_due
from tests.takehomes.conftest import TODAY, days

pytestmark = pytest.mark.django_db


def test_the_window_sees_the_dates_the_rule_allows_and_those_already_out(
    ready, issue, signed, patient_on_day, harbor
):
    settled = ready(40, "Bea")  # 28 days allowed
    early = ready(10, "Cal")  # 7 days allowed
    unassessed = signed(patient_on_day(40, "Dee"))
    issue(early, days(1, 2))
    rows = {row.order.pk: row for row in takehomes_due(harbor, TODAY)}
    assert len(rows[settled.pk].allowed_dates) == 28
    assert rows[early.pk].allowed_dates == tuple(days(1, 7))
    assert rows[early.pk].issued == days(1, 2)
    assert rows[early.pk].pending_dates == days(3, 7)
    assert rows[early.pk].next_visit == TODAY + timedelta(days=8)
    assert rows[unassessed.pk].reason == "no_assessment"
    assert rows[unassessed.pk].pending_dates == []
    (one,) = takehomes_due(harbor, TODAY, patient=early.patient)
    assert one.order == early


def test_closed_days_shape_the_plan(patient_on_day, assess, signed, harbor):
    harbor.protocol_profile = "US-VA"
    harbor.save()
    ClinicClosure.objects.create(clinic=harbor, date=TODAY + timedelta(days=1), reason="Holiday")
    patient = patient_on_day(3)
    assess(patient)
    order = signed(patient)
    (row,) = takehomes_due(harbor, TODAY)
    assert row.order == order
    assert row.allowed_dates == (TODAY + timedelta(days=1),)
    assert row.decision.plan.closed_day_dates == (TODAY + timedelta(days=1),)


@pytest.mark.parametrize("people", [5, 50])
def test_take_homes_due_costs_the_same_queries_for_5_or_50_people(
    people, ready, issue, harbor, django_assert_num_queries
):
    orders = [ready(10 + n % 30, f"P{n}") for n in range(people)]
    for order in orders[::4]:
        issue(order, days(1, 1))
    with django_assert_num_queries(5):
        rows = takehomes_due(harbor, TODAY)
        pending = [len(row.pending_dates) for row in rows]
        names = [row.patient.legal_family_name for row in rows]
    assert len(pending) == len(names) == people
    assert sum(1 for row in rows if row.issued) == len(orders[::4])


@pytest.mark.parametrize("people", [5, 50])
def test_returns_due_costs_one_query_for_5_or_50_people(
    people, ready, issue, harbor, django_assert_num_queries
):
    for n in range(people):
        issue(ready(10, f"R{n}"), days(1, 2))
    later = TODAY + timedelta(days=3)
    with django_assert_num_queries(1):
        due = list(returns_due(harbor, later))
        labels = [(b.code, b.patient.mrn, b.order.daily_dose_mg) for b in due]
    assert len(labels) == 2 * people
