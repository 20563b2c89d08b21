"""Admitting and readmitting at the current clinic."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from mooring.audit.models import Action, AuditEvent
from mooring.patients.services import episode_discharge

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel("2026-03-10 15:00:00+00:00", tick=False):
        yield


def _url(patient):
    return reverse("web:patient_admit", args=[patient.uuid])


def test_a_first_admission(login, make_patient, harbor):
    patient = make_patient("First", "Time", admit=False)
    client = login("chloe")
    assert "Admit at Harbor Clinic" in client.get(_url(patient)).content.decode()
    response = client.post(
        _url(patient), {"program_type": "office_based", "admitted_on": "2026-03-10"}
    )
    assert response.status_code == 302
    episode = patient.episodes.get()
    assert (episode.program_type, episode.clinic, episode.readmission_of) == (
        "office_based",
        harbor,
        None,
    )
    assert (
        AuditEvent.objects.filter(
            action=Action.CREATE, object_type="episode", patient=patient
        ).count()
        == 1
    )


def test_after_a_discharge_it_is_a_readmission(login, make_patient, personas, actor_for):
    patient = make_patient("Back", "Again", admitted_on=date(2025, 6, 1))
    first = patient.episodes.get()
    episode_discharge(
        actor=actor_for(personas["ada"]), episode=first, discharged_on=date(2025, 9, 1), reason="2"
    )
    client = login("ada")
    assert "Readmit at Harbor Clinic" in client.get(_url(patient)).content.decode()
    response = client.post(_url(patient), {"program_type": "otp", "admitted_on": "2026-03-01"})
    assert response.status_code == 302
    assert patient.episodes.get(discharged_on__isnull=True).readmission_of == first


def test_a_readmission_before_the_last_discharge_is_refused_beside_the_date(
    login, make_patient, personas, actor_for
):
    patient = make_patient("Back", "Soon", admitted_on=date(2025, 6, 1))
    episode_discharge(
        actor=actor_for(personas["ada"]),
        episode=patient.episodes.get(),
        discharged_on=date(2025, 9, 1),
        reason="2",
    )
    response = login("ada").post(
        _url(patient), {"program_type": "otp", "admitted_on": "2025-08-01"}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["admitted_on"] == [
        "The admission cannot be before the last discharge (2025-09-01)."
    ]


def test_an_open_episode_is_a_conflict_shown_on_top(login, make_patient):
    patient = make_patient("Still", "Here")
    response = login("ada").post(
        _url(patient), {"program_type": "otp", "admitted_on": "2026-03-10"}
    )
    assert response.status_code == 422
    assert "already has an open episode" in response.context["form"].non_field_errors()[0]
    assert patient.episodes.count() == 1


@pytest.mark.parametrize(
    ("username", "status"), [("ada", 200), ("chloe", 200), ("dan", 403), ("ben", 403), ("sam", 403)]
)
def test_who_may_admit(login, make_patient, username, status):
    patient = make_patient("Who", "May", admit=False)
    assert login(username).get(_url(patient)).status_code == status
