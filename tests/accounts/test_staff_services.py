"""Administrators manage staff through audited services: create with roles, grant and revoke,
change the profile, reset a password, deactivate and reactivate. Nobody locks themselves out."""

from __future__ import annotations

import pytest

from mooring.accounts.capabilities import Role
from mooring.accounts.models import StaffRole, User
from mooring.accounts.services import (
    staff_member_create,
    staff_password_reset,
    staff_profile_update,
    staff_role_grant,
    staff_role_revoke,
    staff_user_deactivate,
    staff_user_reactivate,
)
from mooring.audit.models import Action, AuditEvent
from mooring.core.errors import CapabilityDenied, Conflict, ValidationFailed

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "tidal-harbour-lantern-42"


@pytest.fixture
def ian(personas, actor_for):
    return actor_for(personas["ian"])


@pytest.fixture
def harbor_admin(personas, harbor, actor_for):
    """Hana, administrator at Harbor only."""
    user = User.objects.create_user(username="hana", password=GOOD_PASSWORD, display_name="Hana")
    StaffRole.objects.create(user=user, clinic=harbor, role=Role.ADMINISTRATOR)
    return actor_for(user, harbor)


def _events(user, action=None):
    events = AuditEvent.objects.filter(object_id=str(user.uuid)).order_by("id")
    return list(events.filter(action=action) if action else events)


def _fields(error):
    return {p.field for p in error.value.problems}


def test_an_administrator_creates_a_member_with_roles_all_audited(ian, harbor, ridge):
    user = staff_member_create(
        actor=ian,
        username="nina",
        password=GOOD_PASSWORD,
        display_name="Nina Alvarez",
        credentials="RN",
        roles=[(harbor, Role.NURSE), (ridge, Role.NURSE)],
    )
    assert user.check_password(GOOD_PASSWORD)
    assert (user.display_name, user.credentials, user.is_active) == ("Nina Alvarez", "RN", True)
    assert set(user.staff_roles.values_list("clinic__code", "role")) == {
        ("harbor", "nurse"),
        ("ridge", "nurse"),
    }
    created, *grants = _events(user)
    assert created.action == Action.CREATE
    assert [(e.action, e.detail["granted"], e.clinic_id) for e in grants] == [
        (Action.PRIVILEGE_CHANGE, "nurse", harbor.id),
        (Action.PRIVILEGE_CHANGE, "nurse", ridge.id),
    ]
    assert {e.actor_username for e in _events(user)} == {"ian"}


def test_creating_reports_every_problem_beside_its_field_and_writes_nothing(ian, harbor):
    with pytest.raises(ValidationFailed) as error:
        staff_member_create(actor=ian, username="ADA", password="short", display_name=" ", roles=[])
    assert _fields(error) == {"username", "display_name", "password", "roles"}
    messages = " ".join(p.message for p in error.value.problems)
    assert "taken" in messages
    assert "too short" in messages
    assert not User.objects.filter(username="ADA").exists()


def test_creating_refuses_a_bad_username_and_an_unknown_role(ian, harbor):
    with pytest.raises(ValidationFailed) as error:
        staff_member_create(
            actor=ian,
            username="no spaces!",
            password=GOOD_PASSWORD,
            display_name="X",
            roles=[(harbor, "wizard")],
        )
    assert _fields(error) == {"username", "roles"}
    assert not User.objects.filter(display_name="X").exists()


def test_creating_at_a_clinic_one_does_not_administer_is_refused(
    harbor_admin, ridge, personas, actor_for
):
    with pytest.raises(CapabilityDenied):
        staff_member_create(
            actor=harbor_admin,
            username="rob",
            password=GOOD_PASSWORD,
            display_name="Rob",
            roles=[(ridge, Role.NURSE)],
        )
    with pytest.raises(CapabilityDenied):
        staff_member_create(
            actor=actor_for(personas["eve"]),
            username="rob",
            password=GOOD_PASSWORD,
            display_name="Rob",
            roles=[],
        )
    assert not User.objects.filter(username="rob").exists()


def test_grant_and_revoke_are_privilege_changes(ian, personas, ridge):
    ben = personas["ben"]
    staff_role_grant(actor=ian, user=ben, clinic=ridge, role=Role.NURSE)
    staff_role_revoke(actor=ian, user=ben, clinic=ridge, role=Role.NURSE)
    events = _events(ben, Action.PRIVILEGE_CHANGE)
    assert [(e.detail.get("granted"), e.detail.get("revoked")) for e in events] == [
        ("nurse", None),
        (None, "nurse"),
    ]
    assert not ben.staff_roles.filter(clinic=ridge).exists()


def test_unknown_roles_are_refused_both_ways(ian, personas, harbor):
    with pytest.raises(ValidationFailed) as granted:
        staff_role_grant(actor=ian, user=personas["ben"], clinic=harbor, role="wizard")
    with pytest.raises(ValidationFailed) as revoked:
        staff_role_revoke(actor=ian, user=personas["ben"], clinic=harbor, role="wizard")
    assert granted.value.field == revoked.value.field == "role"


def test_roles_are_granted_only_where_the_actor_manages_staff(harbor_admin, personas, ridge):
    with pytest.raises(CapabilityDenied):
        staff_role_grant(actor=harbor_admin, user=personas["ben"], clinic=ridge, role="nurse")
    assert not StaffRole.objects.filter(clinic=ridge, user=personas["ben"]).exists()


def test_an_administrator_cannot_revoke_their_own_last_administrator_role(harbor_admin, harbor):
    with pytest.raises(Conflict) as error:
        staff_role_revoke(
            actor=harbor_admin, user=harbor_admin.user, clinic=harbor, role=Role.ADMINISTRATOR
        )
    assert error.value.code == "own_last_administrator"
    assert harbor_admin.user.staff_roles.filter(role=Role.ADMINISTRATOR).exists()


def test_an_administrator_may_drop_one_of_two_administrator_roles(ian, ridge):
    staff_role_revoke(actor=ian, user=ian.user, clinic=ridge, role=Role.ADMINISTRATOR)
    assert list(ian.user.staff_roles.values_list("clinic__code", flat=True)) == ["harbor"]
    with pytest.raises(Conflict):
        staff_role_revoke(actor=ian, user=ian.user, clinic=ian.clinic, role=Role.ADMINISTRATOR)


def test_another_administrator_may_revoke_ones_last_administrator_role(ian, harbor_admin, harbor):
    staff_role_revoke(actor=ian, user=harbor_admin.user, clinic=harbor, role=Role.ADMINISTRATOR)
    assert not harbor_admin.user.staff_roles.exists()


def test_deactivation_stops_sign_in_and_is_audited_with_its_reason(ian, personas):
    ben = personas["ben"]
    staff_user_deactivate(actor=ian, user=ben, reason="Left the program")
    ben.refresh_from_db()
    assert not ben.is_active
    event = _events(ben, Action.PRIVILEGE_CHANGE)[-1]
    assert event.detail == {"user": "ben", "deactivated": True, "reason": "Left the program"}
    assert ben.staff_roles.exists()  # kept for a reactivation
    staff_user_reactivate(actor=ian, user=ben)
    ben.refresh_from_db()
    assert ben.is_active
    assert _events(ben, Action.PRIVILEGE_CHANGE)[-1].detail["reactivated"] is True


def test_deactivation_needs_a_reason_and_an_active_account(ian, personas):
    with pytest.raises(ValidationFailed) as error:
        staff_user_deactivate(actor=ian, user=personas["ben"], reason="  ")
    assert error.value.field == "reason"
    staff_user_deactivate(actor=ian, user=personas["ben"], reason="Left")
    with pytest.raises(Conflict):
        staff_user_deactivate(actor=ian, user=personas["ben"], reason="Again")
    staff_user_reactivate(actor=ian, user=personas["ben"])
    with pytest.raises(Conflict):
        staff_user_reactivate(actor=ian, user=personas["ben"])


def test_nobody_deactivates_themselves(ian):
    with pytest.raises(Conflict) as error:
        staff_user_deactivate(actor=ian, user=ian.user, reason="Testing")
    assert error.value.code == "own_account"
    ian.user.refresh_from_db()
    assert ian.user.is_active


def test_account_changes_need_manage_staff_at_every_clinic_the_person_works_at(
    harbor_admin, personas
):
    olu = personas["olu"]  # auditor at Harbor and Ridge; Hana administers Harbor only
    with pytest.raises(CapabilityDenied):
        staff_user_deactivate(actor=harbor_admin, user=olu, reason="Left")
    with pytest.raises(CapabilityDenied):
        staff_password_reset(actor=harbor_admin, user=olu, password=GOOD_PASSWORD)
    with pytest.raises(CapabilityDenied):
        staff_profile_update(actor=harbor_admin, user=olu, display_name="Olu B")
    olu.refresh_from_db()
    assert olu.is_active
    assert olu.display_name == "Olu Bello"
    staff_user_deactivate(actor=harbor_admin, user=personas["ben"], reason="Left")


def test_only_a_superuser_changes_a_superusers_account(ian, actor_for):
    root = User.objects.create_superuser(username="root", password=GOOD_PASSWORD)
    with pytest.raises(CapabilityDenied):
        staff_password_reset(actor=ian, user=root, password="another-long-passphrase-7")
    root.refresh_from_db()
    assert root.check_password(GOOD_PASSWORD)


def test_a_password_reset_applies_the_validators_and_is_audited(ian, personas):
    ben = personas["ben"]
    with pytest.raises(ValidationFailed) as error:
        staff_password_reset(actor=ian, user=ben, password="12345678")
    assert _fields(error) == {"password"}
    assert len(error.value.problems) >= 2  # too short, too common, entirely numeric
    staff_password_reset(actor=ian, user=ben, password=GOOD_PASSWORD)
    ben.refresh_from_db()
    assert ben.check_password(GOOD_PASSWORD)
    event = _events(ben, Action.UPDATE)[-1]
    assert event.detail == {"user": "ben", "password_reset": True}
    assert GOOD_PASSWORD not in str(event.detail)


def test_a_profile_update_audits_old_and_new_values_and_skips_no_change(ian, personas):
    ben = personas["ben"]
    staff_profile_update(actor=ian, user=ben, display_name="Benjamin Cruz", credentials="RN")
    ben.refresh_from_db()
    assert ben.display_name == "Benjamin Cruz"
    event = _events(ben, Action.UPDATE)[-1]
    assert event.detail["changed"] == {"display_name": ["Ben Cruz", "Benjamin Cruz"]}
    staff_profile_update(actor=ian, user=ben, display_name="Benjamin Cruz", credentials="RN")
    assert len(_events(ben, Action.UPDATE)) == 1
    with pytest.raises(ValidationFailed) as error:
        staff_profile_update(actor=ian, user=ben, display_name="", credentials="x" * 61)
    assert _fields(error) == {"display_name", "credentials"}


def test_only_staff_managers_create_accounts_and_only_superusers_create_superusers(
    ian, personas, actor_for
):
    from mooring.accounts.services import staff_user_create

    with pytest.raises(CapabilityDenied):
        staff_user_create(
            actor=actor_for(personas["eve"]),
            username="x1",
            password=GOOD_PASSWORD,
            display_name="X",
        )
    with pytest.raises(CapabilityDenied):
        staff_user_create(
            actor=ian, username="x2", password=GOOD_PASSWORD, display_name="X", is_superuser=True
        )
    assert not User.objects.filter(username__in=["x1", "x2"]).exists()
    assert staff_user_create(actor=ian, username="x3", password=GOOD_PASSWORD, display_name="X")
