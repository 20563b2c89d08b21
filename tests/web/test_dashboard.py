"""The clinic dashboard: census, recent admissions and discharges, by role."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from mooring.patients.services import episode_discharge

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel("2026-03-10 15:00:00+00:00", tick=False):
        yield


def _discharge(patient, actor, on, reason="2"):
    episode_discharge(actor=actor, episode=patient.episodes.get(), discharged_on=on, reason=reason)


@pytest.fixture
def census(make_patient, personas, actor_for):
    """Harbor: three open OTP episodes, one office-based, one recent discharge; Ridge: one."""
    ada = actor_for(personas["ada"])
    recent = TODAY - timedelta(days=3)
    make_patient("Maria", "Lopez", admitted_on=recent)
    make_patient("Tom", "Okoro", admitted_on=date(2025, 11, 1))
    make_patient("Lee", "Chan", admitted_on=date(2025, 12, 1))
    make_patient("Ana", "Silva", program_type="office_based", admitted_on=date(2025, 10, 1))
    left = make_patient("Ray", "Dunn", admitted_on=date(2025, 9, 1))
    _discharge(left, ada, TODAY - timedelta(days=2))
    make_patient("Rita", "Ridge", clinic="ridge", admitted_on=TODAY - timedelta(days=1))


def test_a_prescriber_sees_census_names_and_clinical_detail(login, census):
    response = login("ada").get(reverse("web:dashboard"))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.census_total == 4
    assert {row.program_type: row.count for row in summary.census} == {"otp": 3, "office_based": 1}
    assert [row.patient_name for row in summary.admissions] == ["Maria Lopez"]
    assert [row.patient_name for row in summary.discharges] == ["Ray Dunn"]
    body = response.content.decode()
    assert "Left against advice / dropped out" in body
    assert "Rita Ridge" not in body


def test_front_desk_sees_counts_and_names_without_clinical_detail(login, census):
    response = login("dan").get(reverse("web:dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Maria Lopez" in body
    assert "Ray Dunn" in body
    assert "Left against advice" not in body
    assert response.context["summary"].discharges[0].discharge_reason == ""


def test_the_auditor_sees_counts_but_no_names(login, census):
    response = login("olu").get(reverse("web:dashboard"))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.census_total == 4
    assert summary.admissions_total == 1
    assert summary.admissions == []
    assert "Maria Lopez" not in response.content.decode()


def test_sam_at_ridge_sees_only_ridge(login, census):
    response = login("sam").get(reverse("web:dashboard"))
    summary = response.context["summary"]
    assert summary.census_total == 1
    body = response.content.decode()
    assert "Rita Ridge" in body
    assert "Maria Lopez" not in body


def test_an_empty_clinic_says_so(login, personas):
    response = login("ben").get(reverse("web:dashboard"))
    body = response.content.decode()
    assert "No one has an open episode at this clinic." in body
    assert "No admissions in the last 14 days." in body
    assert "No discharges in the last 14 days." in body


def test_a_user_without_a_role_is_refused(client, django_user_model, db):
    user = django_user_model.objects.create_user(username="norole", password="x")
    client.force_login(user)
    assert client.get(reverse("web:dashboard")).status_code == 403


def test_the_dashboard_is_not_cached(login, personas):
    response = login("ada").get(reverse("web:dashboard"))
    assert response["Cache-Control"] == "no-store"


def test_query_count_does_not_grow_with_patients(
    login, make_patient, django_assert_max_num_queries
):
    client = login("ada")
    make_patient("One", "Person", admitted_on=TODAY)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("web:dashboard"))
    for n in range(15):
        make_patient("Many", f"People{n}", admitted_on=TODAY - timedelta(days=n % 10))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("web:dashboard"))
    assert response.context["summary"].admissions_total == 16
