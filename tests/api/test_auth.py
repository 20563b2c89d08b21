"""Tokens, sessions, CSRF and the acting clinic."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from mooring.accounts.capabilities import Role
from mooring.accounts.models import StaffRole
from mooring.api.models import ApiToken, token_digest
from mooring.api.services import api_token_create, api_token_revoke
from mooring.audit.models import Action, AuditEvent
from mooring.core.errors import CapabilityDenied, Conflict, ValidationFailed
from tests.api.conftest import ApiClient, assert_problem

pytestmark = pytest.mark.django_db


def test_no_credentials_get_a_401_problem(anonymous, make_patient):
    patient = make_patient()
    for response in (
        anonymous.get("/patients?q=alex"),
        anonymous.get(f"/patients/{patient.uuid}"),
        anonymous.post("/patients", {"legal_given_name": "A"}),
    ):
        body = assert_problem(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "Alex" not in str(body)


def test_a_token_authenticates_and_only_its_hash_is_stored(personas, actor_for, token_for):
    secret = token_for("ada")
    token = ApiToken.objects.get(user=personas["ada"])
    assert token.token_hash == token_digest(secret)
    assert secret not in str(ApiToken.objects.values().get())
    client = ApiClient(Client(), {"Authorization": f"Bearer {secret}"})
    response = client.get("/patients?q=nobody")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_creation_is_audited(personas, actor_for):
    issued = api_token_create(
        actor=actor_for(personas["ada"]), user=personas["ada"], name="  lab   import "
    )
    assert issued.token.name == "lab import"
    event = AuditEvent.objects.get(object_type="api_token")
    assert event.action == Action.CREATE
    assert event.actor == personas["ada"]
    assert issued.secret not in str(event.detail)


def test_unknown_garbled_and_revoked_tokens_get_401(personas, token_for, make_patient):
    secret = token_for("ada")
    for header, code in (
        (f"Bearer {secret}x", "invalid_token"),
        ("Bearer mrg_nope", "invalid_token"),
        (f"Token {secret}", "invalid_authorization"),
    ):
        response = ApiClient(Client(), {"Authorization": header}).get("/patients?q=a")
        assert_problem(response, 401, code)
    token = ApiToken.objects.get(user=personas["ada"])
    api_token_revoke(actor=actor_for_cli(), token=token)
    response = ApiClient(Client(), {"Authorization": f"Bearer {secret}"}).get("/patients?q=a")
    assert_problem(response, 401, "invalid_token")
    assert AuditEvent.objects.filter(object_type="api_token", action=Action.UPDATE).count() == 1


def actor_for_cli():
    from mooring.core.context import system_actor

    return system_actor(channel="cli")


def test_a_bad_token_is_refused_even_with_a_session(login):
    client = login("ada")
    response = client.get("/api/v1/patients?q=a", headers={"Authorization": "Bearer mrg_bad"})
    assert_problem(response, 401, "invalid_token")


def test_an_inactive_users_token_stops_working(personas, token_for):
    secret = token_for("ben")
    personas["ben"].is_active = False
    personas["ben"].save()
    response = ApiClient(Client(), {"Authorization": f"Bearer {secret}"}).get("/patients?q=a")
    assert_problem(response, 401, "invalid_token")


def test_staff_may_not_issue_tokens_for_others_but_a_staff_manager_may(personas, actor_for):
    with pytest.raises(CapabilityDenied):
        api_token_create(actor=actor_for(personas["ben"]), user=personas["ada"], name="x")
    api_token_create(actor=actor_for(personas["ian"]), user=personas["ada"], name="x")


def test_token_names_are_required_and_unique_per_user_while_live(personas, actor_for):
    actor = actor_for(personas["ada"])
    with pytest.raises(ValidationFailed) as caught:
        api_token_create(actor=actor, user=personas["ada"], name="  ")
    assert caught.value.field == "name"
    first = api_token_create(actor=actor, user=personas["ada"], name="sync")
    with pytest.raises(Conflict):
        api_token_create(actor=actor, user=personas["ada"], name="sync")
    api_token_revoke(actor=actor, token=first.token)
    api_token_create(actor=actor, user=personas["ada"], name="sync")


def test_last_used_is_written_at_most_once_a_minute(personas, token_for):
    secret = token_for("ada")
    client = ApiClient(Client(), {"Authorization": f"Bearer {secret}"})
    client.get("/patients?q=a")
    token = ApiToken.objects.get(user=personas["ada"])
    earlier = token.last_used_at - timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    client.get("/patients?q=a")
    token.refresh_from_db()
    assert token.last_used_at == earlier


def test_the_management_command_prints_the_token_once(personas):
    out, err = StringIO(), StringIO()
    call_command(
        "api_token_create", "--username", "ada", "--name", "nightly export", stdout=out, stderr=err
    )
    secret = out.getvalue().strip()
    assert secret.startswith("mrg_")
    assert ApiToken.objects.get(name="nightly export").token_hash == token_digest(secret)
    assert "shown only now" in err.getvalue()
    response = ApiClient(Client(), {"Authorization": f"Bearer {secret}"}).get("/patients?q=a")
    assert response.status_code == 200
    call_command(
        "api_token_revoke", "--username", "ada", "--name", "nightly export", stdout=StringIO()
    )
    response = ApiClient(Client(), {"Authorization": f"Bearer {secret}"}).get("/patients?q=a")
    assert response.status_code == 401


def test_the_management_command_names_a_missing_user(db):
    with pytest.raises(CommandError, match="username"):
        call_command("api_token_create", "--username", "nobody", "--name", "x", stdout=StringIO())


def test_a_session_works_for_reads_and_needs_csrf_for_writes(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["dan"])
    assert client.get("/api/v1/patients?q=alex").status_code == 200
    body = {
        "legal_given_name": "Robin",
        "legal_family_name": "Hale",
        "date_of_birth": "1980-01-02",
        "sex_at_birth": "male",
        "payer": "medicaid",
    }
    response = client.post("/api/v1/patients", body, content_type="application/json")
    assert_problem(response, 403, "csrf_failed")
    client.get("/api/v1/docs")  # any page that sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/patients", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201, response.content


def test_the_clinic_header_chooses_the_acting_clinic(personas, harbor, ridge, api_as):
    StaffRole.objects.create(user=personas["ben"], clinic=ridge, role=Role.NURSE)
    api_as("ben").get("/patients?q=nobody")
    api_as("ben", **{"X-Mooring-Clinic": str(ridge.uuid)}).get("/patients?q=nobody")
    first, second = AuditEvent.objects.filter(object_type="patient_search").order_by("id")
    assert (first.clinic, second.clinic) == (harbor, ridge)
    assert second.channel == "api"


def test_a_clinic_without_a_role_is_refused_not_replaced(personas, harbor, ridge, api_as):
    sam = api_as("sam", **{"X-Mooring-Clinic": str(harbor.uuid)})
    assert_problem(sam.get("/patients?q=alex"), 403, "clinic_not_allowed")
    sam = api_as("sam", **{"X-Mooring-Clinic": "not-a-uuid"})
    assert_problem(sam.get("/patients?q=alex"), 403, "clinic_not_allowed")
