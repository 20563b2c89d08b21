"""Registering a patient: validation beside the field, duplicates before creating, admission."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mooring.audit.models import Action, AuditEvent
from mooring.patients.models import Patient

pytestmark = pytest.mark.django_db

URL = reverse("web:patient_register")


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel("2026-03-10 15:00:00+00:00", tick=False):
        yield


def _form(**overrides):
    data = {
        "legal_given_name": "José",
        "legal_family_name": "Álvarez",
        "preferred_name": "",
        "date_of_birth": "1988-03-02",
        "sex_at_birth": "male",
        "payer": "medicaid",
        "preferred_language": "Spanish",
        "phone": "555-201-3344",
    }
    data.update(overrides)
    return data


def test_the_form_has_labelled_fields_and_admission_for_a_prescriber(login, personas):
    body = login("ada").get(URL).content.decode()
    for name in ("legal_given_name", "date_of_birth", "photo", "program_type", "admitted_on"):
        assert f'<label for="id_{name}"' in body


def test_front_desk_registers_without_the_admission_fields(login, personas, png_bytes):
    client = login("dan")
    assert 'id="id_program_type"' not in client.get(URL).content.decode()
    photo = SimpleUploadedFile("me.png", png_bytes, content_type="image/png")
    response = client.post(URL, _form(photo=photo, program_type="otp"))
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:patient_chart", args=[patient.uuid])
    assert patient.photo
    assert not patient.episodes.exists()  # front desk cannot admit, the field was not there
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="patient")
    assert event.actor == personas["dan"]
    assert event.patient == patient


def test_a_prescriber_can_admit_at_registration(login, personas, harbor):
    response = login("ada").post(URL, _form(program_type="otp", admitted_on="2026-03-09"))
    assert response.status_code == 302
    episode = Patient.objects.get().episodes.get()
    assert (episode.program_type, episode.admitted_on, episode.clinic) == (
        "otp",
        date(2026, 3, 9),
        harbor,
    )


def test_a_failed_admission_undoes_the_registration(login, personas):
    response = login("ada").post(URL, _form(program_type="otp", admitted_on="2026-04-01"))
    assert response.status_code == 422
    assert response.context["form"].errors["admitted_on"] == ["The date cannot be in the future."]
    assert not Patient.objects.exists()
    assert not AuditEvent.objects.filter(object_type="patient").exists()


def test_admission_type_without_a_date_is_refused(login, personas):
    response = login("ada").post(URL, _form(program_type="otp", admitted_on=""))
    assert response.context["form"].errors["admitted_on"] == ["Enter the admission date."]


def test_service_problems_appear_beside_their_fields(login, personas):
    response = login("dan").post(URL, _form(date_of_birth="2027-01-01", phone="12"))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["date_of_birth"] == ["The date of birth cannot be in the future."]
    assert errors["phone"] == ["Enter a phone number with 7 to 15 digits."]
    body = response.content.decode()
    assert 'aria-invalid="true"' in body
    assert 'id="id_phone_error"' in body
    assert not Patient.objects.exists()


def test_a_photo_that_is_not_an_image_is_refused_beside_the_field(login, personas):
    bad = SimpleUploadedFile("me.png", b"not an image", content_type="image/png")
    response = login("dan").post(URL, _form(photo=bad))
    assert response.context["form"].errors["photo"] == [
        "The photo must be a JPEG, PNG or WebP image."
    ]


def test_possible_duplicates_are_shown_before_creating(login, make_patient):
    first = make_patient("José", "Álvarez", dob=date(1988, 3, 2))
    client = login("dan")
    response = client.post(URL, _form(legal_given_name="Jose", legal_family_name="Alvares"))
    assert response.status_code == 200
    assert Patient.objects.count() == 1
    body = response.content.decode()
    assert "This may be someone already registered" in body
    assert reverse("web:patient_chart", args=[first.uuid]) in body
    assert 'name="duplicates_reviewed" value="1"' in body

    confirmed = client.post(
        URL, _form(legal_given_name="Jose", legal_family_name="Alvares", duplicates_reviewed="1")
    )
    assert confirmed.status_code == 302
    assert Patient.objects.count() == 2
    event = AuditEvent.objects.filter(object_type="patient", action=Action.CREATE).last()
    assert event.detail["duplicates_reviewed"] == [first.mrn]


def test_duplicates_at_a_clinic_one_cannot_see_are_counted_not_named(login, make_patient):
    hidden = make_patient("José", "Álvarez", clinic="ridge", dob=date(1988, 3, 2))
    client = login("dan")
    response = client.post(URL, _form())
    body = response.content.decode()
    assert "1 more possible match is registered at a clinic where you have no role" in body
    assert hidden.mrn not in body
    assert str(hidden.uuid) not in body


@pytest.mark.parametrize(
    ("username", "status"), [("ada", 200), ("dan", 200), ("ben", 403), ("kai", 403), ("olu", 403)]
)
def test_who_may_register(login, personas, username, status):
    assert login(username).get(URL).status_code == status


def test_anonymous_visitors_go_to_login(client, db):
    assert client.get(URL).status_code == 302
