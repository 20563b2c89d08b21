"""The clinic's injection list: overdue (most overdue first) and due, in constant queries."""
# ruff: noqa: F811  (the fixtures imported from tests.injections.conftest are reused by name)

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from mooring.rules.injectables import INJECTABLE_SPECS, InjectableProduct
from tests.injections.conftest import (  # noqa: F401 (fixtures)
    TODAY,
    ada,
    ben,
    clock,
    draft,
    inject,
    local,
    naltrexone,
    signed,
)

pytestmark = pytest.mark.django_db
LIST = reverse("web:injection_list")
INTERVAL = INJECTABLE_SPECS[InjectableProduct.NALTREXONE_XR].intervals[0]


def _names(rows):
    return [row.patient.display_name for row in rows]


def test_overdue_first_then_due_and_not_yet_due_left_out(
    login, naltrexone, inject, make_patient, clock
):
    late = naltrexone(make_patient("Lee", "Late"))
    later = naltrexone(make_patient("Lou", "Later"))
    recent = naltrexone(make_patient("Rae", "Recent"))
    new = naltrexone(make_patient("Nia", "New"))
    inject(later)
    clock.move_to(local(TODAY + timedelta(days=3), 9))
    inject(late)
    clock.move_to(local(TODAY + timedelta(days=INTERVAL.latest_days + 5), 9))
    inject(recent)
    response = login("ben").get(LIST)
    assert response.status_code == 200
    lists = response.context["lists"]
    assert _names(lists.overdue) == ["Lou Later", "Lee Late"]
    assert _names(lists.due) == ["Nia New"]
    body = response.content.decode()
    assert "Lou Later" in body
    assert "Nia New" in body
    assert "Rae Recent" not in body  # injected today: not yet due
    assert "days overdue" in body
    assert reverse("web:patient_injections", args=[new.patient.uuid]) in body


def test_an_empty_clinic_says_so(login):
    body = login("ben").get(LIST).content.decode()
    assert "No one is overdue for an injection." in body
    assert "No injections are due today." in body


def test_ridge_sees_only_ridge(login, naltrexone):
    naltrexone()
    response = login("sam").get(LIST)
    assert response.status_code == 200
    assert response.context["lists"].due == []


def test_front_desk_dan_is_refused(login):
    assert login("dan").get(LIST).status_code == 403


@pytest.mark.parametrize("people", [5, 50])
def test_the_list_costs_the_same_queries_for_5_or_50(
    people, login, naltrexone, inject, make_patient, clock, django_assert_max_num_queries
):
    orders = [naltrexone(make_patient(f"P{n}", f"Person{n:02d}")) for n in range(people)]
    for order in orders[::2]:
        inject(order)
    clock.move_to(local(TODAY + timedelta(days=INTERVAL.latest_days + 2), 9))
    client = login("ben")
    with django_assert_max_num_queries(9):
        response = client.get(LIST)
    lists = response.context["lists"]
    assert len(lists.overdue) + len(lists.due) == people
