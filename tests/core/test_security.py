"""Sign-in lockout, idle time-out, security headers and who may use the Django admin."""

import time

import pytest
from django.test import override_settings
from django.urls import reverse

from mooring.audit.models import Action, AuditEvent
from mooring.web.middleware import IdleTimeoutMiddleware
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(reverse("web:login"), {"username": username, "password": password})


def test_a_good_password_signs_in_and_is_audited(client, personas):
    response = _login(client, "ben", PASSWORD)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=Action.LOGIN, actor=personas["ben"]).exists()


def test_repeated_failures_lock_the_account_out(client, personas, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "ben", "wrong-password")
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED).count() >= 1
    locked = _login(client, "ben", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_idle_time_out_signs_out_and_returns_to_login(client, personas):
    client.force_login(personas["ben"])
    assert client.get(reverse("web:dashboard")).status_code == 200
    session = client.session
    session[IdleTimeoutMiddleware.session_key] = time.time() - 16 * 60
    session.save()
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login") + "?timeout=1")
    assert AuditEvent.objects.filter(action=Action.LOGOUT, detail__reason="idle_timeout").exists()
    assert client.get(reverse("web:dashboard")).status_code == 302


@override_settings(MOORING_IDLE_TIMEOUT_MINUTES=60)
def test_the_idle_limit_is_a_setting(client, personas):
    client.force_login(personas["ben"])
    client.get(reverse("web:dashboard"))
    session = client.session
    session[IdleTimeoutMiddleware.session_key] = time.time() - 16 * 60
    session.save()
    assert client.get(reverse("web:dashboard")).status_code == 200


def test_the_seen_at_time_is_written_at_most_once_a_tenth_of_the_limit(client, personas):
    """Saving the session is a write and a commit: not after every page, but often enough
    that an active person is never signed out (15 minutes: at most once a minute)."""
    client.force_login(personas["ben"])
    client.get(reverse("web:dashboard"))
    seen = client.session[IdleTimeoutMiddleware.session_key]
    client.get(reverse("web:dashboard"))
    assert client.session[IdleTimeoutMiddleware.session_key] == seen
    session = client.session
    session[IdleTimeoutMiddleware.session_key] = time.time() - 61
    session.save()
    client.get(reverse("web:dashboard"))
    assert client.session[IdleTimeoutMiddleware.session_key] > time.time() - 5


def test_signed_in_pages_are_never_cached_and_allow_no_external_source(client, personas):
    client.force_login(personas["ben"])
    response = client.get(reverse("web:dashboard"))
    assert response["Cache-Control"] == "no-store"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "http" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("username", "allowed"), [
    ("ian", True), ("eve", False), ("ada", False), ("olu", False),
])
def test_only_administrators_use_the_django_admin(client, personas, username, allowed):
    user = personas[username]
    user.is_staff = True  # even a staff flag set by mistake does not open the admin
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    response = client.get("/admin/")
    assert (response.status_code == 200) is allowed


def test_an_idle_api_session_gets_a_problem_document(client, personas):
    client.force_login(personas["ben"])
    client.get(reverse("web:dashboard"))
    session = client.session
    session[IdleTimeoutMiddleware.session_key] = time.time() - 16 * 60
    session.save()
    response = client.get("/api/v1/patients?q=alex")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "session_expired"


def test_the_admin_cannot_change_sign_in_privileges_or_passwords(client, personas):
    ian = personas["ian"]  # as the demo makes him: a superuser administrator
    ian.is_staff = ian.is_superuser = True
    ian.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(ian)
    ben = personas["ben"]
    page = client.get(f"/admin/accounts/user/{ben.pk}/change/")
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    assert 'name="is_active"' not in page.content.decode()
    password = client.get(f"/admin/accounts/user/{ben.pk}/password/")
    assert password.status_code == 302
    assert password["Location"] == "/staff/"
    assert client.get("/admin/accounts/user/add/").status_code == 403
