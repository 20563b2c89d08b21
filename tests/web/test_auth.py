"""Sign in, sign out, the idle time-out note, the lock-out page and switching clinic."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mooring.audit.models import Action, AuditEvent
from mooring.web.access import SESSION_CLINIC
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_login_page_has_labelled_fields(client):
    response = client.get(reverse("web:login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<label for="id_username"' in body
    assert '<label for="id_password"' in body
    assert "without activity" not in body


def test_after_an_idle_timeout_the_login_page_says_why(client, settings):
    settings.MOORING_IDLE_TIMEOUT_MINUTES = 15
    response = client.get(reverse("web:login") + "?timeout=1")
    assert "signed out after 15 minutes without activity" in response.content.decode()


def test_signing_in_goes_to_the_dashboard_and_is_audited(client, personas):
    response = client.post(reverse("web:login"), {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:dashboard")
    assert AuditEvent.objects.filter(action=Action.LOGIN, actor=personas["ada"]).exists()


def test_a_wrong_password_shows_an_error_and_stays(client, personas):
    response = client.post(reverse("web:login"), {"username": "ada", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED).count() == 1


def test_repeated_failures_show_the_locked_out_page(client, personas, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post(reverse("web:login"), {"username": "ben", "password": "nope"})
    response = client.post(reverse("web:login"), {"username": "ben", "password": PASSWORD})
    assert response.status_code == 429
    assert "Sign-in is paused for this account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_a_post(login):
    client = login("ada")
    assert client.get(reverse("web:logout")).status_code == 405
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_pages_redirect_anonymous_visitors_to_login(client, db):
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_switching_to_a_clinic_where_one_has_a_role(login, ridge):
    client = login("olu")  # auditor at both clinics
    response = client.post(
        reverse("web:switch_clinic"), {"clinic": str(ridge.uuid), "next": "/patients/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/patients/"
    assert client.session[SESSION_CLINIC] == str(ridge.uuid)


def test_switching_refuses_a_clinic_without_a_role(login, ridge):
    client = login("ada")  # Harbor only
    response = client.post(reverse("web:switch_clinic"), {"clinic": str(ridge.uuid)})
    assert response.status_code == 403
    assert SESSION_CLINIC not in client.session


def test_switching_ignores_an_outside_next_address(login, ridge):
    client = login("ian")
    response = client.post(
        reverse("web:switch_clinic"), {"clinic": str(ridge.uuid), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("web:dashboard")


def test_switching_needs_a_post(login):
    assert login("ian").get(reverse("web:switch_clinic")).status_code == 405
