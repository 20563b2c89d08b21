"""The patient chart: header, overview, placeholder tabs, and who sees what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from mooring.audit.models import Action, AuditEvent, Outcome
from mooring.patients.services import episode_discharge, episode_readmit, pregnancy_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():
    # 02:30 UTC on 11 March is still 10 March in New York: the clinic's day counts.
    with time_machine.travel("2026-03-11 02:30:00+00:00", tick=False):
        yield


@pytest.fixture
def maria(make_patient, personas, actor_for):
    patient = make_patient(
        "María",
        "López",
        preferred_name="Mari",
        dob=date(1990, 3, 11),
        pronouns="she/her",
        preferred_language="Spanish",
        admitted_on=date(2025, 6, 1),
    )
    nurse = actor_for(personas["ben"])
    pregnancy_record(
        actor=nurse, patient=patient, is_pregnant=True, estimated_due_date=date(2026, 7, 1)
    )
    return patient


def _chart(client, patient, **params):
    return client.get(reverse("web:patient_chart", args=[patient.uuid]), params)


def test_a_clinician_sees_the_header_flags_and_episodes(login, maria):
    response = _chart(login("ada"), maria)
    assert response.status_code == 200
    chart = response.context["chart"]
    assert chart.age == 35  # the 36th birthday is tomorrow in New York
    assert chart.pregnant
    assert chart.due_date == date(2026, 7, 1)
    assert chart.open_program == "Opioid treatment program"
    body = response.content.decode()
    for text in (
        "Mari López",
        "María López",
        maria.mrn,
        "she/her",
        "Spanish",
        "Opioid treatment program",
        "Episodes of care",
        "Discharge",
    ):
        assert text in body
    assert "Pregnant, due" in body


def test_the_read_is_audited(login, maria, personas):
    _chart(login("kai"), maria)
    event = AuditEvent.objects.filter(action=Action.READ, patient=maria).last()
    assert event.actor == personas["kai"]
    assert event.detail == {"purpose": "chart:overview"}
    assert event.data_category == "sud_treatment"


def test_front_desk_sees_a_demographics_only_chart(login, maria, personas):
    response = _chart(login("dan"), maria)
    assert response.status_code == 200
    chart = response.context["chart"]
    assert not chart.clinical
    body = response.content.decode()
    assert "Mari López" in body
    assert "Episodes of care" not in body
    assert "Pregnant" not in body
    assert "Opioid treatment program" not in body
    assert [label for _, label in response.context["tabs"]] == ["Overview"]
    event = AuditEvent.objects.filter(action=Action.READ, patient=maria).last()
    assert event.data_category == "demographics"
    assert event.outcome == Outcome.SUCCESS


def test_front_desk_cannot_open_a_clinical_tab(login, maria):
    assert _chart(login("dan"), maria, tab="medication").status_code == 403


def test_placeholder_tabs_say_nothing_here_yet(login, maria):
    client = login("ben")
    for tab in ("assessments", "care-plan", "tests"):
        response = _chart(client, maria, tab=tab)
        assert response.status_code == 200
        assert "Nothing here yet." in response.content.decode()
    assert _chart(client, maria, tab="nonsense").status_code == 404


def test_the_medication_tab_leads_to_the_medication_page(login, maria):
    body = _chart(login("ben"), maria, tab="medication").content.decode()
    assert f'href="/patients/{maria.uuid}/medication/"' in body
    assert "Nothing here yet." not in body


def test_sam_at_ridge_gets_404_for_a_harbor_patient(login, maria):
    assert _chart(login("sam"), maria).status_code == 404


def test_an_unknown_patient_is_404(login, personas):
    response = login("ada").get(
        reverse("web:patient_chart", args=["8f6a1c1e-0000-4000-8000-000000000000"])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("username", ["olu", "ian"])
def test_roles_without_demographics_are_refused(login, maria, username):
    assert _chart(login(username), maria).status_code == 403


def test_anonymous_visitors_go_to_login(client, maria):
    assert _chart(client, maria).status_code == 302


def test_the_chart_is_not_cached(login, maria):
    assert _chart(login("ada"), maria)["Cache-Control"] == "no-store"


def test_discharge_reasons_appear_in_the_history(login, maria, personas, actor_for):
    ada = actor_for(personas["ada"])
    episode_discharge(
        actor=ada,
        episode=maria.episodes.get(),
        discharged_on=date(2025, 9, 1),
        reason="4",
        note="Moved to Ridge",
    )
    body = _chart(login("ada"), maria).content.decode()
    assert "Transferred to another program or facility" in body
    assert "Moved to Ridge" in body
    assert "Readmit" in body


def test_query_count_does_not_grow_with_history(
    login, maria, personas, actor_for, django_assert_max_num_queries
):
    client = login("ada")
    with django_assert_max_num_queries(30) as few:
        _chart(client, maria)
    ada, ben = actor_for(personas["ada"]), actor_for(personas["ben"])
    day = date(2025, 6, 1)
    for n in range(8):
        episode = maria.episodes.get(discharged_on__isnull=True)
        day = day + timedelta(days=10)
        episode_discharge(actor=ada, episode=episode, discharged_on=day, reason="2")
        episode_readmit(
            actor=ada, patient=maria, clinic=episode.clinic, program_type="otp", admitted_on=day
        )
        pregnancy_record(
            actor=ben,
            patient=maria,
            is_pregnant=n % 2 == 0,
            estimated_due_date=date(2026, 7, 1) if n % 2 == 0 else None,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = _chart(client, maria)
    assert len(response.context["chart"].episodes) == 9
