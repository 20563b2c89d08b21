"""/api/v1/patients/{uuid}/episodes and /api/v1/episodes/{uuid}/discharge."""

from datetime import date, timedelta

import pytest

from mooring.audit.models import Action, AuditEvent, Outcome
from mooring.patients.models import Episode
from tests.api.conftest import assert_problem

pytestmark = pytest.mark.django_db

DISCHARGE = {"discharged_on": "2026-02-01", "reason": "1", "note": "Completed the program."}


@pytest.fixture
def discharged_patient(make_patient):
    """A Harbor patient whose only episode is closed, so an admission is a readmission."""
    patient = make_patient("Alex", "Rivera")
    episode = patient.episodes.get()
    episode.discharged_on = date(2026, 2, 1)
    episode.discharge_reason = "1"
    episode.save()
    return patient


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("ada", 200),
        ("ben", 200),
        ("chloe", 200),
        ("kai", 200),
        ("eve", 200),
        ("dan", 403),
        ("sam", 404),
        ("olu", 404),
        ("ian", 404),
    ],
)
def test_listing_episodes_answers_each_persona(api_as, make_patient, username, status):
    patient = make_patient()
    response = api_as(username).get(f"/patients/{patient.uuid}/episodes")
    assert response.status_code == status, response.content
    if status == 403:
        assert_problem(response, 403, "capability_denied")
    if status == 404:
        assert_problem(response, 404, "not_found")


def test_the_list_shows_episodes_by_uuid_and_audits_a_clinical_read(api_as, make_patient, harbor):
    patient = make_patient()
    episode = patient.episodes.get()
    body = api_as("ben").get(f"/patients/{patient.uuid}/episodes").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["uuid"] == str(episode.uuid)
    assert item["patient_uuid"] == str(patient.uuid)
    assert item["clinic"]["uuid"] == str(harbor.uuid)
    assert item["program_type"] == "otp"
    assert item["admitted_on"] == "2026-01-05"
    assert item["admitted_by"]["name"] == "Ada Okafor"
    assert item["is_open"] is True
    assert item["discharge_reason"] is None
    event = AuditEvent.objects.get(action=Action.READ, object_type="patient")
    assert event.data_category == "sud_treatment"
    assert event.detail == {"purpose": "episodes"}


def test_front_desk_is_refused_and_the_refusal_is_audited(api_as, make_patient):
    patient = make_patient()
    body = assert_problem(
        api_as("dan").get(f"/patients/{patient.uuid}/episodes"), 403, "capability_denied"
    )
    assert "otp" not in str(body)
    event = AuditEvent.objects.get(action=Action.READ, outcome=Outcome.DENIED)
    assert event.actor.username == "dan"


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("ada", 201),
        ("chloe", 201),
        ("eve", 201),
        ("ben", 403),
        ("kai", 403),
        ("dan", 403),
        ("sam", 404),
        ("ian", 404),
    ],
)
def test_admitting_answers_each_persona(api_as, make_patient, username, status):
    patient = make_patient(admit=False)
    response = api_as(username).post(
        f"/patients/{patient.uuid}/episodes", {"program_type": "otp", "admitted_on": "2026-01-10"}
    )
    assert response.status_code == status, response.content
    assert patient.episodes.exists() == (status == 201)


def test_admission_is_audited_and_returns_the_episode(api_as, make_patient):
    patient = make_patient(admit=False)
    response = api_as("chloe").post(
        f"/patients/{patient.uuid}/episodes",
        {"program_type": "office_based", "admitted_on": "2026-01-10"},
    )
    body = response.json()
    episode = Episode.objects.get(uuid=body["uuid"])
    assert body["readmission_of"] is None
    assert episode.program_type == "office_based"
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="episode")
    assert event.patient == patient
    assert event.channel == "api"
    assert not AuditEvent.objects.filter(action=Action.READ, patient=patient).exists()


def test_an_earlier_episode_makes_the_admission_a_readmission(api_as, discharged_patient):
    previous = discharged_patient.episodes.get()
    response = api_as("ada").post(
        f"/patients/{discharged_patient.uuid}/episodes",
        {"program_type": "otp", "admitted_on": "2026-02-10"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["readmission_of"] == str(previous.uuid)


def test_a_second_open_episode_is_a_conflict(api_as, make_patient):
    patient = make_patient()
    response = api_as("ada").post(
        f"/patients/{patient.uuid}/episodes", {"program_type": "otp", "admitted_on": "2026-01-10"}
    )
    assert_problem(response, 409, "episode_already_open")
    assert patient.episodes.count() == 1


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"program_type": "detox", "admitted_on": "2026-01-10"}, "program_type", "invalid_choice"),
        ({"program_type": "otp"}, "admitted_on", "required"),
        ({"program_type": "otp", "admitted_on": "10 Jan 2026"}, "admitted_on", "invalid_date"),
        (
            {"program_type": "otp", "admitted_on": (date.today() + timedelta(days=3)).isoformat()},
            "admitted_on",
            "future_date",
        ),
        ({"program_type": "otp", "admitted_on": "1980-01-01"}, "admitted_on", "before_birth"),
    ],
)
def test_admission_input_problems_name_the_field(api_as, make_patient, body, field, code):
    patient = make_patient(admit=False)
    response = api_as("ada").post(f"/patients/{patient.uuid}/episodes", body)
    assert_problem(response, 422, code, field=field)


@pytest.mark.parametrize(
    ("username", "status"),
    [("ada", 200), ("chloe", 200), ("ben", 403), ("dan", 403), ("sam", 404), ("olu", 404)],
)
def test_discharging_answers_each_persona(api_as, make_patient, username, status):
    episode = make_patient().episodes.get()
    response = api_as(username).post(f"/episodes/{episode.uuid}/discharge", DISCHARGE)
    assert response.status_code == status, response.content
    episode.refresh_from_db()
    assert (episode.discharged_on is not None) == (status == 200)


def test_discharge_closes_the_episode_and_is_audited(api_as, make_patient):
    episode = make_patient().episodes.get()
    body = api_as("ada").post(f"/episodes/{episode.uuid}/discharge", DISCHARGE).json()
    assert body["is_open"] is False
    assert body["discharged_on"] == "2026-02-01"
    assert body["discharge_reason"] == "1"
    assert body["discharged_by"]["name"] == "Ada Okafor"
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="episode")
    assert event.detail == {"discharged_on": "2026-02-01", "reason": "1"}


def test_discharge_problems(api_as, make_patient):
    episode = make_patient().episodes.get()
    ada = api_as("ada")
    response = ada.post(f"/episodes/{episode.uuid}/discharge", {**DISCHARGE, "reason": "9"})
    assert_problem(response, 422, "invalid_choice", field="reason")
    response = ada.post(
        f"/episodes/{episode.uuid}/discharge", {**DISCHARGE, "discharged_on": "2025-12-01"}
    )
    assert_problem(response, 422, "discharge_before_admission", field="discharged_on")
    assert ada.post(f"/episodes/{episode.uuid}/discharge", DISCHARGE).status_code == 200
    response = ada.post(f"/episodes/{episode.uuid}/discharge", DISCHARGE)
    assert_problem(response, 409, "episode_closed")
    missing = "00000000-0000-4000-8000-000000000000"
    assert_problem(ada.post(f"/episodes/{missing}/discharge", DISCHARGE), 404, "not_found")


def test_sam_gets_the_same_404_for_a_harbor_episode_as_for_a_missing_one(api_as, make_patient):
    episode = make_patient().episodes.get()
    sam = api_as("sam")
    real = sam.post(f"/episodes/{episode.uuid}/discharge", DISCHARGE).json()
    missing = sam.post("/episodes/00000000-0000-4000-8000-000000000000/discharge", DISCHARGE).json()
    assert {k: v for k, v in real.items() if k != "instance"} == {
        k: v for k, v in missing.items() if k != "instance"
    }
