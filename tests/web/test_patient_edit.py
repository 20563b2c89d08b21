"""Editing demographics."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from mooring.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(make_patient):
    return make_patient("Sam", "Ortiz", dob=date(1985, 1, 2), phone="555 123 4567")


def _url(patient):
    return reverse("web:patient_edit", args=[patient.uuid])


def _data(patient, **changes):
    data = {
        name: getattr(patient, name)
        for name in (
            "legal_given_name",
            "legal_family_name",
            "preferred_name",
            "date_of_birth",
            "sex_at_birth",
            "gender_identity",
            "pronouns",
            "preferred_language",
            "phone",
            "address_line",
            "city",
            "state",
            "postal_code",
            "emergency_contact_name",
            "emergency_contact_phone",
            "emergency_contact_relationship",
            "payer",
        )
    }
    data.update(changes)
    return data


def test_the_form_is_filled_in(login, patient):
    body = login("dan").get(_url(patient)).content.decode()
    assert 'value="Ortiz"' in body
    assert 'value="1985-01-02"' in body


def test_front_desk_edits_and_the_change_is_audited(login, patient, personas):
    response = login("dan").post(
        _url(patient), _data(patient, preferred_name="Sammy", pronouns="they/them")
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.display_name == "Sammy Ortiz"
    event = AuditEvent.objects.filter(action=Action.UPDATE, patient=patient).get()
    assert event.actor == personas["dan"]
    assert set(event.detail["changes"]) == {"preferred_name", "pronouns"}


def test_a_bad_phone_is_shown_beside_the_field(login, patient):
    response = login("dan").post(_url(patient), _data(patient, phone="12"))
    assert response.status_code == 422
    assert response.context["form"].errors["phone"] == ["Enter a phone number with 7 to 15 digits."]
    patient.refresh_from_db()
    assert patient.phone == "555 123 4567"


def test_a_missing_required_field_is_refused_by_the_form(login, patient):
    response = login("dan").post(_url(patient), _data(patient, legal_family_name=""))
    assert "legal_family_name" in response.context["form"].errors


@pytest.mark.parametrize(
    ("username", "status"), [("ada", 200), ("dan", 200), ("ben", 403), ("olu", 403), ("sam", 403)]
)
def test_who_may_edit(login, patient, username, status):
    assert login(username).get(_url(patient)).status_code == status


def test_a_ridge_registrar_gets_404_for_a_harbor_patient(login, patient, personas, ridge):
    from mooring.accounts.models import StaffRole

    StaffRole.objects.create(user=personas["sam"], clinic=ridge, role="front_desk")
    assert login("sam").get(_url(patient)).status_code == 404
