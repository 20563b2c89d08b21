"""One person's staff page: profile, roles per clinic (grant and revoke), sign-in
(deactivate, reactivate, password) and the history of privilege changes, with the guards
that stop an administrator locking themselves or others out by mistake."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mooring.accounts.capabilities import Role
from mooring.accounts.models import StaffRole, User
from mooring.audit.models import Action, AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "tidal-harbour-lantern-42"


def url(name, user):
    return reverse(f"web:{name}", args=[user.uuid])


@pytest.fixture
def hana(harbor, personas):
    """Hana, administrator at Harbor only."""
    user = User.objects.create_user(username="hana", display_name="Hana Ito", password=PASSWORD)
    StaffRole.objects.create(user=user, clinic=harbor, role=Role.ADMINISTRATOR)
    return user


def _privilege_changes(user):
    return list(
        AuditEvent.objects.filter(
            action=Action.PRIVILEGE_CHANGE, object_id=str(user.uuid)
        ).order_by("id")
    )


@pytest.mark.parametrize(
    ("username", "status"), [("ian", 200), ("eve", 403), ("ada", 403), ("ben", 403), ("olu", 403)]
)
def test_only_administrators_open_a_staff_page(login, personas, username, status):
    assert login(username).get(url("staff_detail", personas["chloe"])).status_code == status


def test_anonymous_is_sent_to_sign_in(client, personas):
    response = client.get(url("staff_detail", personas["ben"]))
    assert response["Location"].startswith(reverse("web:login"))


def test_someone_working_only_elsewhere_is_not_found(client, hana, personas):
    client.force_login(hana)
    assert client.get(url("staff_detail", personas["sam"])).status_code == 404
    assert client.post(url("staff_deactivate", personas["sam"]), {"reason": "x"}).status_code == 404
    assert personas["sam"].staff_roles.exists()


def test_the_page_shows_roles_per_clinic_and_labelled_forms(login, personas):
    response = login("ian").get(url("staff_detail", personas["olu"]))
    page = response.content.decode()
    assert [(e.clinic.code, e.labels) for e in response.context["page"].clinics] == [
        ("harbor", ["Auditor"]),
        ("ridge", ["Auditor"]),
    ]
    for field_id in (
        "profile-display_name",
        "grant-clinic",
        "grant-role",
        "deactivate-reason",
        "password-password",
        "password-password_again",
    ):
        assert f'for="{field_id}"' in page
    assert "Revoke Auditor at Ridge Clinic" in page


def test_the_profile_is_saved_and_audited(login, personas):
    ben = personas["ben"]
    response = login("ian").post(
        url("staff_detail", ben), {"display_name": "Benjamin Cruz", "credentials": "RN, BSN"}
    )
    assert response.status_code == 302
    ben.refresh_from_db()
    assert (ben.display_name, ben.credentials) == ("Benjamin Cruz", "RN, BSN")
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(ben.uuid)).exists()
    blank = login("ian").post(url("staff_detail", ben), {"display_name": "", "credentials": ""})
    assert blank.status_code == 422
    assert blank.context["profile"].errors["display_name"]


def test_granting_and_revoking_are_audited_privilege_changes_in_the_history(login, personas, ridge):
    ben = personas["ben"]
    client = login("ian")
    granted = client.post(
        url("staff_role_grant", ben), {"clinic": str(ridge.uuid), "role": Role.NURSE}
    )
    assert granted.status_code == 302
    assert ben.staff_roles.filter(clinic=ridge, role=Role.NURSE).exists()
    revoked = client.post(
        url("staff_role_revoke", ben), {"clinic": str(ridge.uuid), "role": Role.NURSE}
    )
    assert revoked.status_code == 302
    assert not ben.staff_roles.filter(clinic=ridge).exists()
    events = _privilege_changes(ben)
    assert [
        (e.detail.get("granted"), e.detail.get("revoked"), e.actor_username) for e in events
    ] == [("nurse", None, "ian"), (None, "nurse", "ian")]
    history = [row.summary for row in client.get(url("staff_detail", ben)).context["page"].history]
    assert history == ["Revoked Nurse at Ridge Clinic", "Granted Nurse at Ridge Clinic"]


def test_a_role_already_held_or_unknown_is_refused(login, personas, harbor):
    client = login("ian")
    held = client.post(
        url("staff_role_grant", personas["ben"]), {"clinic": str(harbor.uuid), "role": Role.NURSE}
    )
    assert held.status_code == 422
    assert "already holds this role" in held.context["grant"].errors["role"][0]
    unknown = client.post(
        url("staff_role_grant", personas["ben"]), {"clinic": str(harbor.uuid), "role": "wizard"}
    )
    assert unknown.status_code == 422
    assert unknown.context["grant"].errors["role"]
    bad_revoke = client.post(
        url("staff_role_revoke", personas["ben"]), {"clinic": str(harbor.uuid), "role": "wizard"}
    )
    assert bad_revoke.status_code == 422
    assert not _privilege_changes(personas["ben"])


def test_roles_are_granted_and_revoked_only_where_the_actor_manages_staff(
    client, hana, personas, ridge
):
    client.force_login(hana)
    olu = personas["olu"]
    page = client.get(url("staff_detail", olu)).content.decode()
    assert "Revoke Auditor at Ridge Clinic" not in page
    assert "Revoke Auditor at Harbor Clinic" in page
    grant = client.post(
        url("staff_role_grant", olu), {"clinic": str(ridge.uuid), "role": Role.NURSE}
    )
    assert grant.status_code == 422
    assert grant.context["grant"].errors["clinic"]
    revoke = client.post(
        url("staff_role_revoke", olu), {"clinic": str(ridge.uuid), "role": Role.AUDITOR}
    )
    assert revoke.status_code == 422
    assert set(olu.staff_roles.values_list("clinic__code", "role")) == {
        ("harbor", "auditor"),
        ("ridge", "auditor"),
    }


def test_an_administrator_cannot_revoke_their_own_last_administrator_role(client, hana, harbor):
    client.force_login(hana)
    response = client.post(
        url("staff_role_revoke", hana), {"clinic": str(harbor.uuid), "role": Role.ADMINISTRATOR}
    )
    assert response.status_code == 409
    assert "your own last administrator role" in response.context["problem"]
    assert "your own last administrator role" in response.content.decode()
    assert hana.staff_roles.filter(role=Role.ADMINISTRATOR).exists()


def test_a_deactivated_person_cannot_sign_in_until_reactivated(login, personas, client):
    ben = personas["ben"]
    response = login("ian").post(url("staff_deactivate", ben), {"reason": "Left the program"})
    assert response.status_code == 302
    ben.refresh_from_db()
    assert not ben.is_active
    assert _privilege_changes(ben)[-1].detail["deactivated"] is True
    assert (
        "Account deactivated: Left the program"
        in client.get(url("staff_detail", ben)).content.decode()
    )
    client.logout()
    refused = client.post(reverse("web:login"), {"username": "ben", "password": PASSWORD})
    assert refused.status_code == 200
    assert not refused.wsgi_request.user.is_authenticated
    client.force_login(personas["ian"])
    assert client.post(url("staff_reactivate", ben)).status_code == 302
    client.logout()
    allowed = client.post(reverse("web:login"), {"username": "ben", "password": PASSWORD})
    assert allowed.status_code == 302


def test_deactivation_needs_a_reason(login, personas):
    response = login("ian").post(url("staff_deactivate", personas["ben"]), {"reason": ""})
    assert response.status_code == 422
    assert response.context["deactivate"].errors["reason"]
    personas["ben"].refresh_from_db()
    assert personas["ben"].is_active


def test_an_administrator_cannot_deactivate_themselves(login, personas):
    ian = personas["ian"]
    client = login("ian")
    assert "Deactivate the account" not in client.get(url("staff_detail", ian)).content.decode()
    response = client.post(url("staff_deactivate", ian), {"reason": "Trying"})
    assert response.status_code == 409
    assert "cannot deactivate your own account" in response.content.decode()
    ian.refresh_from_db()
    assert ian.is_active


def test_account_changes_for_someone_working_elsewhere_too_are_refused(client, hana, personas):
    client.force_login(hana)
    olu = personas["olu"]
    page = client.get(url("staff_detail", olu)).content.decode()
    assert "Deactivate the account" not in page
    assert "an administrator there changes" in page
    response = client.post(url("staff_deactivate", olu), {"reason": "Left"})
    assert response.status_code == 403
    olu.refresh_from_db()
    assert olu.is_active


def test_a_password_reset_applies_the_validators_beside_the_field(login, personas, client):
    ben = personas["ben"]
    weak = login("ian").post(
        url("staff_password", ben), {"password": "ben", "password_again": "ben"}
    )
    assert weak.status_code == 422
    assert any("too short" in e for e in weak.context["password"].errors["password"])
    assert 'id="password-password_error"' in weak.content.decode()
    reset = client.post(
        url("staff_password", ben), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert reset.status_code == 302
    ben.refresh_from_db()
    assert ben.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(ben.uuid)).last()
    assert event.detail == {"user": "ben", "password_reset": True}


def test_resetting_ones_own_password_keeps_this_session(login, personas):
    client = login("ian")
    response = client.post(
        url("staff_password", personas["ian"]),
        {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get(reverse("web:staff_list")).status_code == 200


def test_get_on_an_action_goes_back_to_the_page(login, personas):
    response = login("ian").get(url("staff_deactivate", personas["ben"]))
    assert response.status_code == 302
    assert response["Location"] == url("staff_detail", personas["ben"])


def test_the_page_takes_the_same_queries_however_long_the_history(
    login, personas, clinics, actor_for
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mooring.accounts.services import staff_role_grant, staff_role_revoke

    ben, ian = personas["ben"], actor_for(personas["ian"])
    client = login("ian")
    staff_role_grant(actor=ian, user=ben, clinic=clinics["ridge"], role=Role.KEY_WORKER)
    client.get(url("staff_detail", ben))
    with CaptureQueriesContext(connection) as short:
        client.get(url("staff_detail", ben))
    for _ in range(10):
        staff_role_revoke(actor=ian, user=ben, clinic=clinics["ridge"], role=Role.KEY_WORKER)
        staff_role_grant(actor=ian, user=ben, clinic=clinics["ridge"], role=Role.KEY_WORKER)
    with CaptureQueriesContext(connection) as long:
        response = client.get(url("staff_detail", ben))
    assert len(response.context["page"].history) == 21
    assert len(long) == len(short)


def test_the_history_holds_only_this_persons_privilege_changes(login, personas, clinics, actor_for):
    from mooring.accounts.services import staff_profile_update, staff_role_grant

    ian = actor_for(personas["ian"])
    staff_role_grant(actor=ian, user=personas["ada"], clinic=clinics["ridge"], role=Role.PRESCRIBER)
    staff_profile_update(actor=ian, user=personas["ben"], display_name="Benjamin Cruz")
    response = login("ian").get(url("staff_detail", personas["ben"]))
    assert response.context["page"].history == []
    assert "No privilege changes are recorded" in response.content.decode()


def test_deactivation_ends_the_persons_open_sessions(login, personas):
    from django.test import Client

    ben_browser = Client()
    ben_browser.force_login(personas["ben"])
    assert ben_browser.get(reverse("web:dashboard")).status_code == 200
    login("ian").post(url("staff_deactivate", personas["ben"]), {"reason": "Left the program"})
    response = ben_browser.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))
