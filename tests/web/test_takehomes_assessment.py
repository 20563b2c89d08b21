"""The prescriber's take-home criteria assessment: one checkbox per criterion, the history."""
# ruff: noqa: F811  (the fixtures imported from the take-home and dosing conftests)

from __future__ import annotations

import pytest
from django.urls import reverse

from mooring.rules.profile_settings import TakeHomeCriterion
from mooring.takehomes.models import TakeHomeCriteriaAssessment
from mooring.web.forms_takehomes import CRITERION_LABELS
from tests.takehomes.conftest import (  # noqa: F401 (fixtures)
    ALL_2024_CRITERIA,
    ada,
    assess,
    clock,
    patient_on_day,
)

pytestmark = pytest.mark.django_db


def _url(patient):
    return reverse("web:takehome_assessment", args=[patient.uuid])


def test_every_criterion_of_the_rules_core_has_a_readable_label():
    assert set(CRITERION_LABELS) == set(TakeHomeCriterion)
    for label in CRITERION_LABELS.values():
        assert "_" not in str(label)


def test_ada_sees_a_labelled_checkbox_for_each_criterion_of_the_profile(login, patient_on_day):
    body = login("ada").get(_url(patient_on_day(10))).content.decode()
    assert body.count('type="checkbox" name="criteria_met"') == len(ALL_2024_CRITERIA)
    for value in ALL_2024_CRITERIA:
        assert f'value="{value}"' in body
    assert str(CRITERION_LABELS[TakeHomeCriterion.SAFE_TRANSPORT_AND_STORAGE]) in body
    assert "US-FED-2024" in body
    assert "No assessment yet" in body


def test_ada_records_an_assessment_and_it_heads_the_history(login, patient_on_day, assess):
    patient = patient_on_day(10)
    assess(patient, ["regular_attendance"], note="First review")
    client = login("ada")
    page = client.get(_url(patient)).content.decode()
    assert 'value="regular_attendance" checked' in page.replace('id="id_criteria_met_1" ', "")
    response = client.post(
        _url(patient),
        {"criteria_met": ["regular_attendance", "no_recent_diversion"], "note": "Locked box"},
    )
    assert response.status_code == 302
    latest = TakeHomeCriteriaAssessment.objects.filter(patient=patient).first()
    assert latest.criteria_met == ["regular_attendance", "no_recent_diversion"]
    assert latest.assessed_by.username == "ada"
    body = client.get(_url(patient)).content.decode()
    assert body.index("Locked box") < body.index("First review")
    assert str(CRITERION_LABELS[TakeHomeCriterion.NO_RECENT_DIVERSION]) in body


def test_no_criterion_ticked_is_a_valid_assessment(login, patient_on_day):
    patient = patient_on_day(10)
    assert login("ada").post(_url(patient), {"note": "Not yet"}).status_code == 302
    assert TakeHomeCriteriaAssessment.objects.get(patient=patient).criteria_met == []


def test_ben_reads_the_history_but_cannot_record(login, patient_on_day, assess):
    patient = patient_on_day(10)
    assess(patient)
    client = login("ben")
    body = client.get(_url(patient)).content.decode()
    assert "Only a prescriber records the take-home criteria." in body
    assert 'name="criteria_met"' not in body
    response = client.post(_url(patient), {"criteria_met": ALL_2024_CRITERIA})
    assert response.status_code == 403
    assert TakeHomeCriteriaAssessment.objects.filter(patient=patient).count() == 1


def test_front_desk_is_refused_and_ridge_sees_no_harbor_patient(login, patient_on_day):
    patient = patient_on_day(10)
    assert login("dan").get(_url(patient)).status_code == 403
    assert login("sam").get(_url(patient)).status_code == 404
    assert login("sam").post(_url(patient), {"note": "x"}).status_code == 404
    assert not TakeHomeCriteriaAssessment.objects.exists()
