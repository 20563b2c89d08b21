"""Discharging: date, TEDS reason and note."""

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
    return make_patient("Dora", "Diaz", admitted_on=date(2026, 1, 5))


def _url(patient):
    return reverse("web:patient_discharge", args=[patient.uuid])


def test_the_form_shows_the_episode_and_reasons(login, patient):
    body = login("chloe").get(_url(patient)).content.decode()
    assert "Opioid treatment program at Harbor Clinic" in body
    assert "Treatment completed" in body
    assert '<label for="id_reason"' in body


def test_a_counsellor_discharges_and_it_is_audited(login, patient, personas):
    response = login("chloe").post(
        _url(patient), {"discharged_on": "2026-03-09", "reason": "1", "note": "Completed taper"}
    )
    assert response.status_code == 302
    episode = patient.episodes.get()
    assert (episode.discharged_on, episode.discharge_reason) == (date(2026, 3, 9), "1")
    assert episode.discharge_note == "Completed taper"
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="episode")
    assert event.actor == personas["chloe"]


def test_a_discharge_before_admission_is_refused_beside_the_date(login, patient):
    response = login("chloe").post(_url(patient), {"discharged_on": "2025-12-01", "reason": "2"})
    assert response.status_code == 422
    assert response.context["form"].errors["discharged_on"] == [
        "The discharge cannot be before the admission (2026-01-05)."
    ]
    assert patient.episodes.get().is_open


def test_a_missing_reason_is_refused(login, patient):
    response = login("chloe").post(_url(patient), {"discharged_on": "2026-03-09"})
    assert "reason" in response.context["form"].errors


def test_no_open_episode_says_so(login, make_patient):
    never = make_patient("Never", "Admitted", admit=False)
    client = login("ada")
    assert "no open episode" in client.get(_url(never)).content.decode()
    assert (
        client.post(_url(never), {"discharged_on": "2026-03-09", "reason": "1"}).status_code == 409
    )


def test_dan_at_the_front_desk_gets_403(login, patient):
    client = login("dan")
    assert client.get(_url(patient)).status_code == 403
    assert (
        client.post(_url(patient), {"discharged_on": "2026-03-09", "reason": "1"}).status_code
        == 403
    )
    assert patient.episodes.get().is_open


@pytest.mark.parametrize(
    ("username", "status"), [("ada", 200), ("eve", 200), ("ben", 403), ("kai", 403)]
)
def test_who_may_discharge(login, patient, username, status):
    assert login(username).get(_url(patient)).status_code == status


def test_a_ridge_manager_gets_404_for_a_harbor_patient(login, patient, personas, ridge):
    from mooring.accounts.models import StaffRole

    StaffRole.objects.create(user=personas["sam"], clinic=ridge, role="counsellor")
    assert login("sam").get(_url(patient)).status_code == 404
