"""Adding a staff member: administrators only, validation beside each field, roles granted at
the administrator's clinics, everything audited, and the new person can sign in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mooring.accounts.capabilities import Role
from mooring.accounts.models import StaffRole, User
from mooring.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db

URL = reverse("web:staff_create")
GOOD_PASSWORD = "tidal-harbour-lantern-42"


def _form(clinics, **changes):
    data = {
        "username": "nina",
        "display_name": "Nina Alvarez",
        "credentials": "RN",
        "password": GOOD_PASSWORD,
        "password_again": GOOD_PASSWORD,
        f"roles_{clinics['harbor'].uuid.hex}": [Role.NURSE],
        f"roles_{clinics['ridge'].uuid.hex}": [Role.NURSE, Role.KEY_WORKER],
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("username", "status"), [("ian", 200), ("eve", 403), ("ada", 403), ("ben", 403), ("olu", 403)]
)
def test_only_administrators_add_staff(login, username, status):
    assert login(username).get(URL).status_code == status


def test_anonymous_is_sent_to_sign_in(client, db):
    assert client.get(URL)["Location"].startswith(reverse("web:login"))


def test_the_form_labels_every_field_and_offers_roles_at_each_managed_clinic(login, clinics):
    page = login("ian").get(URL).content.decode()
    for field_id in ("id_username", "id_display_name", "id_credentials", "id_password"):
        assert f'for="{field_id}"' in page
    assert "Roles at Harbor Clinic" in page
    assert "Roles at Ridge Clinic" in page
    assert "<legend>" in page


def test_creating_grants_the_roles_audits_and_lets_the_person_sign_in(login, clinics, client):
    response = login("ian").post(URL, _form(clinics))
    nina = User.objects.get(username="nina")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:staff_detail", args=[nina.uuid])
    assert set(nina.staff_roles.values_list("clinic__code", "role")) == {
        ("harbor", "nurse"),
        ("ridge", "nurse"),
        ("ridge", "key_worker"),
    }
    events = AuditEvent.objects.filter(object_id=str(nina.uuid)).order_by("id")
    assert [e.action for e in events] == [Action.CREATE] + [Action.PRIVILEGE_CHANGE] * 3
    assert {e.detail["granted"] for e in events[1:]} == {"nurse", "key_worker"}
    client.logout()
    signed_in = client.post(reverse("web:login"), {"username": "nina", "password": GOOD_PASSWORD})
    assert signed_in.status_code == 302


def test_problems_are_shown_beside_their_fields_and_nothing_is_written(login, clinics):
    response = login("ian").post(
        URL,
        _form(
            clinics,
            username="ADA",
            password="12345678",
            password_again="12345678",
            **{f"roles_{clinics['harbor'].uuid.hex}": [], f"roles_{clinics['ridge'].uuid.hex}": []},
        ),
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "taken" in errors["username"][0]
    assert any("too short" in e for e in errors["password"])
    assert any("entirely numeric" in e for e in errors["password"])
    assert errors[f"roles_{clinics['harbor'].uuid.hex}"] == ["Grant at least one role at a clinic."]
    page = response.content.decode()
    assert 'id="id_password_error"' in page
    assert 'aria-invalid="true"' in page
    assert GOOD_PASSWORD not in page
    assert User.objects.count() == 9


def test_a_missing_name_is_asked_for(login, clinics):
    response = login("ian").post(URL, _form(clinics, display_name=" "))
    assert response.status_code == 422
    assert response.context["form"].errors["display_name"] == ["This field is required."]


def test_the_two_passwords_must_match(login, clinics):
    response = login("ian").post(URL, _form(clinics, password_again="something-else-entirely"))
    assert response.status_code == 422
    assert response.context["form"].errors["password_again"] == ["The two passwords differ."]
    assert not User.objects.filter(username="nina").exists()


def test_unknown_roles_are_refused(login, clinics):
    response = login("ian").post(
        URL, _form(clinics, **{f"roles_{clinics['harbor'].uuid.hex}": ["wizard"]})
    )
    assert response.status_code == 422
    assert not User.objects.filter(username="nina").exists()


def test_roles_are_offered_only_at_clinics_the_administrator_manages(client, clinics, personas):
    hana = User.objects.create_user(username="hana", display_name="Hana")
    StaffRole.objects.create(user=hana, clinic=clinics["harbor"], role=Role.ADMINISTRATOR)
    client.force_login(hana)
    assert "Roles at Ridge Clinic" not in client.get(URL).content.decode()
    response = client.post(URL, _form(clinics))  # the Ridge roles are not fields of hers
    nina = User.objects.get(username="nina")
    assert response.status_code == 302
    assert set(nina.staff_roles.values_list("clinic__code", flat=True)) == {"harbor"}
