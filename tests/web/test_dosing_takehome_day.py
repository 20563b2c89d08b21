"""The window on a take-home day: the person reads "Take-home today", with no Dispense button."""
# ruff: noqa: F811  (the fixtures imported from the conftests are reused by name)

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.medications.conftest import local
from tests.takehomes.conftest import (  # noqa: F401 (fixtures)
    TODAY,
    ada,
    assess,
    ben,
    bottle,
    clock,
    days,
    draft,
    give,
    issue,
    methadone_product,
    patient_on_day,
    ready,
    receive,
    signed,
)

pytestmark = pytest.mark.django_db

TUESDAY = TODAY + timedelta(days=1)


def test_ben_sees_take_home_today_and_no_dispense_button(login, ready, give, issue, clock):
    order = ready()
    give(order)
    issue(order, days(1, 1))
    clock.move_to(local(TUESDAY, 9))
    client = login("ben")
    response = client.get(reverse("web:dosing_queue"))
    (row,) = response.context["queue"].rows
    assert (row.status, row.group, row.label) == (
        "take_home_issued_for_today",
        "elsewhere",
        "Take-home today",
    )
    assert response.context["queue"].focus is None
    page = client.get(reverse("web:dosing_dispense", args=[order.patient.uuid]))
    body = page.content.decode()
    assert "A take-home dose was issued for today" in body
    assert "Rule: take_home_issued_for_today" in body
    assert "Dispense 30 mg" not in body
