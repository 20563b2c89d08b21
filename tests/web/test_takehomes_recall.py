"""Recalls: the prescriber calls the person back from the medication page; a nurse records it."""
# ruff: noqa: F811  (the fixtures imported from the take-home and dosing conftests)

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from mooring.takehomes.models import TakeHomeConcern, TakeHomeRecall
from mooring.takehomes.services import takehome_recall_request
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
    issue,
    methadone_product,
    patient_on_day,
    ready,
    receive,
    signed,
)

pytestmark = pytest.mark.django_db
TOMORROW_NOON = (TODAY + timedelta(days=1)).isoformat() + "T12:00"


def _url(patient):
    return reverse("web:takehome_recall", args=[patient.uuid])


def _record_url(recall):
    return reverse("web:takehome_recall_record", args=[recall.uuid])


@pytest.fixture
def held(ready, issue):
    return issue(ready(10), days(1, 3))


def test_the_medication_page_links_the_prescriber_to_the_recall(login, held):
    patient = held[0].patient
    body = login("ada").get(reverse("web:patient_medication", args=[patient.uuid])).content
    assert _url(patient) in body.decode()
    assert reverse("web:takehome_assessment", args=[patient.uuid]) in body.decode()
    nurse = login("ben").get(reverse("web:patient_medication", args=[patient.uuid])).content
    assert _url(patient) not in nurse.decode()


def test_ada_requests_a_recall_due_in_clinic_time(login, held, harbor):
    patient = held[0].patient
    client = login("ada")
    page = client.get(_url(patient)).content.decode()
    assert all(b.code in page for b in held)
    response = client.post(_url(patient), {"reason": "Diversion report", "due_by": TOMORROW_NOON})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:patient_medication", args=[patient.uuid])
    recall = TakeHomeRecall.objects.get()
    assert recall.due_by == local(TODAY + timedelta(days=1), 12)
    assert recall.requested_by.username == "ada"
    again = client.get(_url(patient)).content.decode()
    assert "A recall is already open" in again
    assert 'name="reason"' not in again


def test_a_due_time_in_the_past_is_refused_beside_the_field(login, held):
    response = login("ada").post(
        _url(held[0].patient), {"reason": "Check", "due_by": TODAY.isoformat() + "T08:00"}
    )
    assert response.status_code == 422
    assert "The due time must be in the future." in response.content.decode()
    assert not TakeHomeRecall.objects.exists()


def test_nothing_to_recall_is_said_plainly(login, patient_on_day):
    patient = patient_on_day(10)
    body = login("ada").get(_url(patient)).content.decode()
    assert "No take-home bottle is out: there is nothing to recall." in body
    assert 'name="reason"' not in body


def test_nurses_and_front_desk_cannot_request_a_recall(login, held):
    patient = held[0].patient
    data = {"reason": "Check", "due_by": TOMORROW_NOON}
    assert login("ben").post(_url(patient), data).status_code == 403
    assert login("dan").get(_url(patient)).status_code == 403
    # Sam is a nurse: refused for the role before the patient is looked up, learning nothing.
    assert login("sam").get(_url(patient)).status_code == 403
    assert not TakeHomeRecall.objects.exists()


@pytest.fixture
def recall(held, ada):
    return takehome_recall_request(
        actor=ada,
        patient=held[0].patient,
        reason="Diversion report",
        due_by=local(TODAY + timedelta(days=1), 12),
    )


def test_ben_records_all_bottles_present(login, held, recall):
    client = login("ben")
    page = client.get(_record_url(recall)).content.decode()
    assert "Diversion report" in page
    assert all(b.code in page for b in held)
    data = {"outcome": "all_present", "bottles_seen": [str(b.uuid) for b in held]}
    response = client.post(_record_url(recall), data)
    assert response.status_code == 302
    recall.refresh_from_db()
    assert (recall.status, recall.outcome) == ("recorded", "all_present")
    assert not TakeHomeConcern.objects.exists()


def test_a_missing_bottle_must_be_recorded_as_a_discrepancy(login, held, recall):
    client = login("ben")
    data = {"outcome": "all_present", "bottles_seen": [str(held[0].uuid)]}
    response = client.post(_record_url(recall), data)
    assert response.status_code == 422
    assert "record a discrepancy" in response.content.decode()
    data = {**data, "outcome": "discrepancy", "note": "Two bottles missing"}
    assert client.post(_record_url(recall), data).status_code == 302
    assert TakeHomeConcern.objects.get().kind == "recall_discrepancy"


def test_only_nurses_record_and_ridge_gets_not_found(login, held, recall):
    data = {"outcome": "did_not_attend", "note": "No show"}
    assert login("ada").post(_record_url(recall), data).status_code == 403
    assert login("dan").get(_record_url(recall)).status_code == 403
    assert login("sam").get(_record_url(recall)).status_code == 404
    assert login("sam").post(_record_url(recall), data).status_code == 404
    recall.refresh_from_db()
    assert recall.status == "open"
