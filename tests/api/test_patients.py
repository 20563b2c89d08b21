"""/api/v1/patients: search, read, register, edit; per persona, with the audit trail."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mooring.audit.models import Action, AuditEvent, Outcome
from mooring.patients.models import Patient
from tests.api.conftest import assert_problem

pytestmark = pytest.mark.django_db

CLINICAL_STAFF = ["ada", "ben", "chloe", "kai", "eve"]
NEW_PERSON = {
    "legal_given_name": "Robin",
    "legal_family_name": "Hale",
    "date_of_birth": "1980-01-02",
    "sex_at_birth": "male",
    "payer": "medicaid",
}


# Search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [
        *[(name, 200) for name in CLINICAL_STAFF],
        ("dan", 200),
        ("sam", 200),
        ("olu", 403),
        ("ian", 403),
    ],
)
def test_search_answers_each_persona(api_as, make_patient, username, status):
    make_patient("Alex", "Rivera")
    response = api_as(username).get("/patients?q=alex rivera")
    assert response.status_code == status
    if status == 403:
        assert_problem(response, 403, "capability_denied")


def test_search_finds_by_name_with_a_typo_and_audits_one_event(api_as, make_patient):
    alex = make_patient("Alex", "Rivera")
    make_patient("Jordan", "Smith")
    response = api_as("dan").get("/patients?q=alx rivera")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["uuid"] == str(alex.uuid)
    assert item["mrn"] == alex.mrn
    assert item["date_of_birth"] == "1990-05-17"
    assert "id" not in item
    event = AuditEvent.objects.get(object_type="patient_search")
    assert event.action == Action.READ
    assert event.detail == {"query": "alx rivera", "results": [alex.mrn]}
    assert event.channel == "api"
    assert event.actor.username == "dan"


def test_sam_at_ridge_never_finds_a_harbor_patient(api_as, make_patient):
    make_patient("Alex", "Rivera")
    ridge_patient = make_patient("Alex", "Riviera", clinic="ridge")
    body = api_as("sam").get("/patients?q=alex").json()
    assert [item["uuid"] for item in body["items"]] == [str(ridge_patient.uuid)]


def test_search_needs_a_query(api_as):
    body = assert_problem(api_as("ada").get("/patients"), 422, "required", field="q")
    assert body["errors"][0]["code"] == "required"
    assert_problem(api_as("ada").get("/patients?q="), 422, "required", field="q")


def test_search_queries_do_not_grow_with_the_results(api_as, make_patient):
    client = api_as("ada")
    client.get("/patients?q=warm up")
    for n in range(2):
        make_patient("Sasha", f"Lopez{n}", admit=False)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/patients?q=sasha").json()["count"] == 2
    for n in range(2, 8):
        make_patient("Sasha", f"Lopez{n}", admit=False)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/patients?q=sasha").json()["count"] == 8
    assert len(many) == len(few)


# Read ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [
        *[(name, 200) for name in CLINICAL_STAFF],
        ("dan", 200),
        ("sam", 404),
        ("olu", 404),
        ("ian", 404),
    ],
)
def test_reading_a_harbor_patient_answers_each_persona(api_as, make_patient, username, status):
    patient = make_patient()
    response = api_as(username).get(f"/patients/{patient.uuid}")
    assert response.status_code == status
    if status == 404:
        body = assert_problem(response, 404, "not_found")
        assert patient.mrn not in str(body)


def test_a_read_returns_demographics_and_is_audited(api_as, make_patient, harbor):
    patient = make_patient("Alex", "Rivera", preferred_name="Lex", pronouns="they/them")
    response = api_as("dan").get(f"/patients/{patient.uuid}")
    body = response.json()
    assert body["display_name"] == "Lex Rivera"
    assert body["home_clinic"] == {"uuid": str(harbor.uuid), "name": "Harbor Clinic"}
    assert body["sex_at_birth"] == "female"
    assert body["has_photo"] is False
    assert "episodes" not in body
    event = AuditEvent.objects.filter(action=Action.READ, object_type="patient").get()
    assert event.patient == patient
    assert event.data_category == "demographics"
    assert event.channel == "api"


def test_missing_and_malformed_ids_are_404_or_422(api_as):
    missing = "00000000-0000-4000-8000-000000000000"
    assert_problem(api_as("ada").get(f"/patients/{missing}"), 404, "not_found")
    assert_problem(api_as("ada").get("/patients/42"), 422, "invalid_uuid", field="patient_uuid")


# Register --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("ada", 201),
        ("dan", 201),
        ("ben", 403),
        ("chloe", 403),
        ("kai", 403),
        ("eve", 403),
        ("olu", 403),
        ("ian", 403),
        ("sam", 403),
    ],
)
def test_registering_answers_each_persona(api_as, username, status):
    response = api_as(username).post("/patients", NEW_PERSON)
    assert response.status_code == status, response.content
    if status == 403:
        assert_problem(response, 403, "capability_denied")
        assert not Patient.objects.exists()


def test_registering_creates_the_patient_at_the_acting_clinic_and_audits(api_as, ridge):
    response = api_as("sam", **{"X-Mooring-Clinic": str(ridge.uuid)}).post("/patients", NEW_PERSON)
    assert response.status_code == 403  # a nurse does not register
    response = api_as("dan").post("/patients", {**NEW_PERSON, "phone": "555 010 0199"})
    assert response.status_code == 201
    body = response.json()
    patient = Patient.objects.get(uuid=body["uuid"])
    assert body["mrn"] == patient.mrn
    assert patient.home_clinic.code == "harbor"
    assert patient.phone == "555 010 0199"
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="patient")
    assert event.patient == patient
    assert event.channel == "api"
    assert event.actor.username == "dan"


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"legal_family_name": None}, "legal_family_name", "invalid_type"),
        ({"date_of_birth": "1980-13-01"}, "date_of_birth", "invalid_date"),
        ({"date_of_birth": "01/02/1980"}, "date_of_birth", "invalid_date"),
        ({"date_of_birth": 315619200}, "date_of_birth", "invalid_date"),
        ({"sex_at_birth": "other"}, "sex_at_birth", "invalid_choice"),
        ({"payer": ""}, "payer", "invalid_choice"),
        ({"phone": 5550100}, "phone", "invalid_type"),
        ({"duplicates_reviewed": "yes"}, "duplicates_reviewed", "invalid_type"),
        ({"legal_given_name": "x" * 101}, "legal_given_name", "too_long"),
        ({"favourite_colour": "blue"}, "favourite_colour", "unknown_field"),
    ],
)
def test_malformed_input_names_the_field_and_a_stable_code(api_as, change, field, code):
    response = api_as("ada").post("/patients", {**NEW_PERSON, **change})
    body = assert_problem(response, 422, code, field=field)
    assert body["errors"][0] == {
        "field": field,
        "code": code,
        "message": body["errors"][0]["message"],
    }
    assert not Patient.objects.exists()


def test_a_missing_field_is_required(api_as):
    body = {k: v for k, v in NEW_PERSON.items() if k != "legal_family_name"}
    assert_problem(
        api_as("ada").post("/patients", body), 422, "required", field="legal_family_name"
    )


def test_a_body_that_is_not_json_is_a_problem(api_as):
    client = api_as("ada")
    response = client.client.post(
        "/api/v1/patients", "{not json", content_type="application/json", headers=client.headers
    )
    assert_problem(response, 400, "invalid_json")


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"legal_given_name": "   "}, "legal_given_name", "required"),
        (
            {"date_of_birth": (date.today() + timedelta(days=2)).isoformat()},
            "date_of_birth",
            "future_date",
        ),
        ({"date_of_birth": "1880-01-01"}, "date_of_birth", "implausible_date"),
        ({"phone": "12"}, "phone", "invalid_phone"),
    ],
)
def test_the_same_rules_as_the_form_apply(api_as, change, field, code):
    response = api_as("ada").post("/patients", {**NEW_PERSON, **change})
    assert_problem(response, 422, code, field=field)


def test_a_possible_duplicate_lists_the_candidates_until_reviewed(api_as, make_patient):
    existing = make_patient("Robin", "Hale", dob=date(1980, 1, 2))
    response = api_as("dan").post("/patients", {**NEW_PERSON, "legal_family_name": "Hales"})
    body = assert_problem(response, 422, "possible_duplicate")
    assert body["candidates"] == [{"uuid": str(existing.uuid), "mrn": existing.mrn}]
    assert body["hidden_candidates"] == 0
    assert Patient.objects.count() == 1
    response = api_as("dan").post(
        "/patients", {**NEW_PERSON, "legal_family_name": "Hales", "duplicates_reviewed": True}
    )
    assert response.status_code == 201
    event = AuditEvent.objects.filter(action=Action.CREATE, object_type="patient").last()
    assert event.detail["duplicates_reviewed"] == [existing.mrn]


def test_a_duplicate_at_a_clinic_the_caller_cannot_see_is_counted_not_named(api_as, make_patient):
    hidden = make_patient("Robin", "Hale", dob=date(1980, 1, 2), clinic="ridge")
    body = assert_problem(api_as("dan").post("/patients", NEW_PERSON), 422, "possible_duplicate")
    assert body["candidates"] == []
    assert body["hidden_candidates"] == 1
    assert hidden.mrn not in str(body)
    assert "Hale" not in body["detail"]


# Edit ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("ada", 200),
        ("dan", 200),
        ("ben", 403),
        ("kai", 403),
        ("sam", 404),
        ("olu", 404),
    ],
)
def test_editing_answers_each_persona(api_as, make_patient, username, status):
    patient = make_patient()
    response = api_as(username).patch(f"/patients/{patient.uuid}", {"phone": "555 010 0100"})
    assert response.status_code == status, response.content
    patient.refresh_from_db()
    assert (patient.phone == "555 010 0100") == (status == 200)


def test_a_patch_changes_only_the_given_fields_and_audits_the_change(api_as, make_patient):
    patient = make_patient("Alex", "Rivera", phone="555 010 0101", city="Portland")
    response = api_as("dan").patch(
        f"/patients/{patient.uuid}", {"preferred_name": "Lex", "phone": None}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["preferred_name"] == "Lex"
    assert body["phone"] == ""
    assert body["city"] == "Portland"
    assert body["legal_given_name"] == "Alex"
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="patient")
    assert event.patient == patient
    assert set(event.detail["changes"]) == {"preferred_name", "phone"}


def test_a_patch_refuses_to_empty_a_required_field(api_as, make_patient):
    patient = make_patient()
    response = api_as("dan").patch(f"/patients/{patient.uuid}", {"date_of_birth": None})
    assert_problem(response, 422, "required", field="date_of_birth")
    response = api_as("dan").patch(f"/patients/{patient.uuid}", {"legal_family_name": ""})
    assert_problem(response, 422, "required", field="legal_family_name")


def test_a_denied_edit_is_audited_as_denied(api_as, make_patient):
    patient = make_patient()
    api_as("ben").patch(f"/patients/{patient.uuid}", {"phone": "555 010 0100"})
    event = AuditEvent.objects.get(outcome=Outcome.DENIED)
    assert event.patient == patient
    assert event.actor.username == "ben"
