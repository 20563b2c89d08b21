"""The clinic's withdrawal settings: clinical staff read the clonidine choice, prescribers set it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mooring.audit.models import AuditEvent
from mooring.withdrawal.models import ClinicWithdrawalSettings
from mooring.withdrawal.selectors import clonidine_enabled

pytestmark = pytest.mark.django_db
PAGE = reverse("web:withdrawal_settings")


def test_ada_turns_clonidine_on_with_a_reason_and_it_is_audited(login, harbor, personas):
    client = login("ada")
    body = client.get(PAGE).content.decode()
    assert "Never set: clonidine is off." in body
    assert 'name="clonidine_enabled"' in body
    response = client.post(PAGE, {"clonidine_enabled": "on", "reason": "Medical director"})
    assert response.status_code == 302
    assert clonidine_enabled(harbor)
    event = AuditEvent.objects.get(object_type="clinic_withdrawal_settings")
    assert event.actor == personas["ada"]
    assert event.detail == {"clonidine_enabled": True, "reason": "Medical director"}
    body = client.get(PAGE).content.decode()
    assert "Medical director" in body
    assert "Ada Okafor" in body


def test_a_reason_is_required(login, harbor):
    response = login("ada").post(PAGE, {"clonidine_enabled": "on", "reason": ""})
    assert response.status_code == 422
    assert not ClinicWithdrawalSettings.objects.exists()


def test_director_eve_reads_but_cannot_change_it(login, harbor):
    client = login("eve")
    response = client.get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Only a prescriber can change this setting." in body
    assert 'name="reason"' not in body
    assert client.post(PAGE, {"clonidine_enabled": "on", "reason": "x"}).status_code == 403
    assert not clonidine_enabled(harbor)


def test_nurse_ben_cannot_change_it(login, harbor):
    assert login("ben").post(PAGE, {"clonidine_enabled": "on", "reason": "x"}).status_code == 403
    assert not ClinicWithdrawalSettings.objects.exists()


def test_front_desk_dan_is_refused(login):
    assert login("dan").get(PAGE).status_code == 403


def test_ridge_has_its_own_setting(login, harbor, ridge, personas, actor_for):
    from mooring.withdrawal.services import withdrawal_settings_set

    withdrawal_settings_set(actor=actor_for(personas["ada"]), clonidine_enabled=True, reason="Ours")
    response = login("sam").get(PAGE)
    assert response.status_code == 200
    assert response.context["enabled"] is False
    assert "Ours" not in response.content.decode()
