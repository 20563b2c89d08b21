"""Changing and ending a signed order: a change is a new order; refusals show their rule."""

# ruff: noqa: F811  (the fixtures imported from tests.medications.conftest are reused by name)
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from mooring.medications.models import MedicationOrder, OrderStatus
from mooring.rules.profiles import get_profile
from tests.medications.conftest import (  # noqa: F401 (fixtures)
    START_MG,
    TODAY,
    ada,
    ben,
    bottle,
    clock,
    draft,
    give,
    local,
    methadone_product,
    receive,
    signed,
)

pytestmark = pytest.mark.django_db
METHADONE = get_profile("US-FED-2024").methadone


def _url(order, name):
    return reverse(f"web:{name}", args=[order.patient.uuid, order.uuid])


def _dose_days(order, give, clock, days):
    for day in range(days):
        clock.move_to(local(TODAY + timedelta(days=day), 8))
        give(order)


def test_a_change_within_the_rules_replaces_the_order(login, signed, give, clock):
    first = signed()
    days = METHADONE.min_days_between_increases.value
    _dose_days(first, give, clock, days)
    start = TODAY + timedelta(days=days)
    clock.move_to(local(start, 7))
    client = login("ada")
    assert client.get(_url(first, "order_change")).status_code == 200
    response = client.post(
        _url(first, "order_change"),
        {
            "start_date": start.isoformat(),
            "daily_dose_mg": str(START_MG + METHADONE.max_increase_step_mg.value),
            "split": "1",
            "phase": "titration",
            "override_reason": "",
        },
    )
    assert response.status_code == 302
    new = MedicationOrder.objects.get(supersedes=first)
    assert new.status == OrderStatus.SIGNED
    first.refresh_from_db()
    assert first.end_date == start


def test_a_change_too_large_is_refused_with_its_rule(login, signed, give, clock):
    first = signed()
    days = METHADONE.min_days_between_increases.value
    _dose_days(first, give, clock, days)
    start = TODAY + timedelta(days=days)
    clock.move_to(local(start, 7))
    response = login("ada").post(
        _url(first, "order_change"),
        {
            "start_date": start.isoformat(),
            "daily_dose_mg": str(START_MG + METHADONE.max_increase_step_mg.value + 1),
            "split": "1",
            "phase": "titration",
            "override_reason": "",
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Not changed." in body
    assert "methadone." in body
    assert "US-FED-2024" in body
    assert not MedicationOrder.objects.filter(supersedes=first).exists()


def test_ending_an_order_needs_a_reason(login, signed, clock):
    order = signed()
    client = login("ada")
    end = (TODAY + timedelta(days=3)).isoformat()
    assert client.post(_url(order, "order_end"), {"end_date": end, "reason": ""}).status_code == 422
    response = client.post(_url(order, "order_end"), {"end_date": end, "reason": "Tapered off"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.end_reason) == (OrderStatus.ENDED, "Tapered off")


def test_nurse_ben_cannot_change_or_end(login, signed, clock):
    order = signed()
    client = login("ben")
    assert client.get(_url(order, "order_change")).status_code == 403
    end = (TODAY + timedelta(days=3)).isoformat()
    assert (
        client.post(_url(order, "order_end"), {"end_date": end, "reason": "x"}).status_code == 403
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.SIGNED
