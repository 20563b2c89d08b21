"""The staff list: administrators only, roles per clinic, status, filters, constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mooring.accounts.capabilities import Role
from mooring.accounts.models import StaffRole, User

pytestmark = pytest.mark.django_db

URL = reverse("web:staff_list")


@pytest.mark.parametrize(
    ("username", "status"),
    [("ian", 200), ("eve", 403), ("ada", 403), ("ben", 403), ("olu", 403), ("sam", 403)],
)
def test_only_administrators_see_the_staff_list(login, username, status):
    assert login(username).get(URL).status_code == status


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_the_nav_links_to_staff_for_administrators_only(login):
    link = f'href="{URL}"'
    assert link in login("ian").get(reverse("web:dashboard")).content.decode()
    assert link not in login("eve").get(reverse("web:dashboard")).content.decode()


def _names(response):
    return [row.user.username for row in response.context["rows"]]


def test_lists_everyone_with_roles_per_clinic_and_status(login, personas, harbor):
    User.objects.create_user(username="newbie", display_name="New Person")  # no role yet
    personas["kai"].is_active = False
    personas["kai"].save()
    response = login("ian").get(URL)
    page = response.content.decode()
    assert set(_names(response)) == {*personas, "newbie"}
    olu = next(r for r in response.context["rows"] if r.user.username == "olu")
    assert [(e.clinic.code, e.labels) for e in olu.clinics] == [
        ("harbor", ["Auditor"]),
        ("ridge", ["Auditor"]),
    ]
    assert "No role" in page
    assert "Deactivated" in page
    assert "Never" in page


def test_filters_by_clinic_role_and_status(login, personas, ridge):
    client = login("ian")
    at_ridge = client.get(URL, {"clinic": str(ridge.uuid)})
    assert set(_names(at_ridge)) == {"olu", "ian", "sam"}
    nurses = client.get(URL, {"role": Role.NURSE})
    assert set(_names(nurses)) == {"ben", "sam"}
    ridge_nurses = client.get(URL, {"clinic": str(ridge.uuid), "role": Role.NURSE})
    assert _names(ridge_nurses) == ["sam"]
    personas["sam"].is_active = False
    personas["sam"].save()
    assert _names(client.get(URL, {"status": "inactive"})) == ["sam"]
    assert "sam" not in _names(client.get(URL, {"status": "active"}))


def test_an_unknown_filter_is_explained(login):
    response = login("ian").get(URL, {"role": "wizard"})
    assert response.status_code == 422
    assert response.context["rows"] is None
    assert "Select a valid choice" in response.content.decode()


def test_an_administrator_sees_only_their_clinics_staff(login, personas, harbor, client):
    hana = User.objects.create_user(username="hana", display_name="Hana")
    StaffRole.objects.create(user=hana, clinic=harbor, role=Role.ADMINISTRATOR)
    client.force_login(hana)
    response = client.get(URL)
    assert "sam" not in _names(response)  # Sam works at Ridge only
    olu = next(r for r in response.context["rows"] if r.user.username == "olu")
    assert [(e.clinic.code, e.managed) for e in olu.clinics] == [("harbor", True), ("ridge", False)]


def _add_staff(clinics, count):
    start = User.objects.count()
    for n in range(start, start + count):
        user = User.objects.create_user(username=f"staff{n}", display_name=f"Staff {n}")
        StaffRole.objects.create(user=user, clinic=clinics["harbor"], role=Role.NURSE)
        StaffRole.objects.create(user=user, clinic=clinics["ridge"], role=Role.KEY_WORKER)


def test_the_list_takes_the_same_queries_for_5_or_30_people(login, clinics):
    client = login("ian")
    _add_staff(clinics, 5)
    client.get(URL)  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    _add_staff(clinics, 25)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert len(response.context["rows"]) >= 30
    assert len(many) == len(few), [q["sql"] for q in many]
