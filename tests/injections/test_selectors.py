"""The schedule per patient and the clinic's overdue list, in a constant number of queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mooring.injections.selectors import (
    injection_history,
    injection_schedules,
    injections_due,
    injections_overdue,
)
from mooring.rules.injectables import INJECTABLE_SPECS, InjectableProduct
from tests.injections.conftest import TODAY, local

pytestmark = pytest.mark.django_db
INTERVAL = INJECTABLE_SPECS[InjectableProduct.NALTREXONE_XR].intervals[0]


def test_the_schedule_gives_the_next_window_from_the_rules(naltrexone, inject):
    order = naltrexone()
    inject(order)
    [row] = injection_schedules(order.patient, TODAY + timedelta(days=1))
    assert row.product == "naltrexone_xr"
    assert row.injections_given == 1
    assert row.last_injection == TODAY
    assert row.status.injection_number == 2
    assert row.status.earliest == TODAY + timedelta(days=INTERVAL.earliest_days)
    assert row.status.latest == TODAY + timedelta(days=INTERVAL.latest_days)
    assert row.timing == "not_yet_due"
    assert [i.pk for i in injection_history(order.patient)] == [order.injections.get().pk]


def test_before_any_injection_the_order_is_due_and_monthly_buprenorphine_waits_for_a_product(
    naltrexone, signed, make_patient
):
    order = naltrexone()
    [row] = injection_schedules(order.patient, TODAY)
    assert row.timing == "due"
    assert row.status.injection_number == 1
    bup = signed(
        medication="buprenorphine_xr_monthly",
        form="injection",
        phase="maintenance",
        mg=Decimal("300"),
    )
    [row] = injection_schedules(bup.patient, TODAY)
    assert row.product is None
    assert row.status is None
    assert row.timing == "due"


def test_the_overdue_list_names_only_overdue_patients_most_overdue_first(
    naltrexone, inject, clock, harbor
):
    early, late, fine = naltrexone(), naltrexone(), naltrexone()
    inject(early)
    clock.move_to(local(TODAY + timedelta(days=2), 9))
    inject(late)
    as_of = TODAY + timedelta(days=INTERVAL.latest_days + 3)
    rows = injections_overdue(harbor, as_of)
    assert [r.order.pk for r in rows][0] == early.pk
    assert fine.pk not in {r.order.pk for r in rows}  # never injected: due, not overdue
    assert all(r.timing == "overdue" for r in rows)
    assert rows[0].days_overdue >= 3
    assert {r.order.pk for r in injections_due(harbor, as_of)} == {early.pk, late.pk, fine.pk}


def test_the_overdue_list_ignores_other_clinics(naltrexone, inject, ridge):
    inject(naltrexone())
    assert injections_overdue(ridge, TODAY + timedelta(days=60)) == []


def _overdue_count_queries(n, naltrexone, inject, harbor) -> tuple[int, int]:
    for _ in range(n):
        inject(naltrexone())
    as_of = TODAY + timedelta(days=INTERVAL.latest_days + 1)
    with CaptureQueriesContext(connection) as queries:
        rows = injections_overdue(harbor, as_of)
        for row in rows:
            _ = (row.patient.display_name, row.patient.home_clinic.name, row.order.daily_dose_mg)
    return len(rows), len(queries)


def test_the_overdue_list_takes_the_same_queries_for_5_and_50_patients(naltrexone, inject, harbor):
    few_rows, few = _overdue_count_queries(5, naltrexone, inject, harbor)
    many_rows, many = _overdue_count_queries(45, naltrexone, inject, harbor)
    assert (few_rows, many_rows) == (5, 50)
    assert few == many == 2
