"""Recording pregnancy status."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from mooring.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel("2026-03-10 15:00:00+00:00", tick=False):
        yield


@pytest.fixture
def patient(make_patient):
    return make_patient("Paula", "Reyes")


def _url(patient):
    return reverse("web:patient_pregnancy", args=[patient.uuid])


def test_a_nurse_records_a_pregnancy_and_the_chart_flags_it(login, patient, personas):
    client = login("ben")
    assert "No pregnancy status recorded yet." in client.get(_url(patient)).content.decode()
    response = client.post(
        _url(patient), {"is_pregnant": "yes", "estimated_due_date": "2026-08-20"}
    )
    assert response.status_code == 302
    entry = patient.pregnancies.get()
    assert (entry.is_pregnant, entry.estimated_due_date) == (True, date(2026, 8, 20))
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="pregnancy")
    assert event.actor == personas["ben"]
    chart = client.get(reverse("web:patient_chart", args=[patient.uuid]))
    assert chart.context["chart"].due_date == date(2026, 8, 20)


def test_a_due_date_without_pregnancy_is_refused_beside_the_field(login, patient):
    response = login("ben").post(
        _url(patient), {"is_pregnant": "no", "estimated_due_date": "2026-08-20"}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["estimated_due_date"] == [
        "A due date only goes with a current pregnancy."
    ]
    assert not patient.pregnancies.exists()


def test_a_status_is_required(login, patient):
    response = login("ben").post(_url(patient), {})
    assert "is_pregnant" in response.context["form"].errors


@pytest.mark.parametrize(
    ("username", "status"), [("ada", 200), ("ben", 200), ("dan", 403), ("chloe", 403), ("sam", 404)]
)
def test_who_may_record(login, patient, username, status):
    assert login(username).get(_url(patient)).status_code == status
