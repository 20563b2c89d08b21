"""Staff and role changes, and sign-in events: audited like everything else."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from mooring.accounts import access
from mooring.accounts.capabilities import Capability, Role
from mooring.accounts.models import Clinic, StaffRole, User
from mooring.audit.models import Action, Outcome
from mooring.audit.services import record
from mooring.core.context import Actor, client_address
from mooring.core.errors import ValidationFailed


def _request_actor(request: HttpRequest | None, user: User | None) -> Actor:
    if request is None:
        return Actor(user=user, channel="system")
    return Actor(user=user, source_address=client_address(request),
                 user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                 channel="api" if request.path.startswith("/api/") else "web")


@receiver(user_logged_in)
def _on_login(sender: object, request: HttpRequest, user: User, **kwargs: object) -> None:
    record(actor=_request_actor(request, user), action=Action.LOGIN, object_type="user",
           object_id=user.uuid)


@receiver(user_logged_out)
def _on_logout(sender: object, request: HttpRequest, user: User | None, **kwargs: object) -> None:
    if user is not None and not getattr(request, "_mooring_logout_recorded", False):
        record(actor=_request_actor(request, user), action=Action.LOGOUT, object_type="user",
               object_id=user.uuid)


@receiver(user_login_failed)
def _on_login_failed(sender: object, credentials: dict[str, str],
                     request: HttpRequest | None = None, **kwargs: object) -> None:
    username = str(credentials.get("username", ""))[:150]
    user = User.objects.filter(username=username).first()
    record(actor=_request_actor(request, user), action=Action.LOGIN_FAILED, object_type="user",
           object_id=user.uuid if user else "", outcome=Outcome.FAILURE,
           detail={"username": username})


def logout_recorded(request: HttpRequest, *, reason: str) -> None:
    """Audit a logout the user did not ask for (idle time-out) before it happens."""
    record(actor=_request_actor(request, request.user), action=Action.LOGOUT,
           object_type="user", object_id=request.user.uuid, detail={"reason": reason})
    request._mooring_logout_recorded = True  # type: ignore[attr-defined]


def _require_staff_manager(actor: Actor, clinic: Clinic) -> None:
    if actor.user is None or actor.channel == "system":
        return  # set-up commands (createadmin, demo) act as the system
    access.require(actor.user, Capability.MANAGE_STAFF, clinic.id)


@transaction.atomic
def staff_role_grant(*, actor: Actor, user: User, clinic: Clinic, role: str) -> StaffRole:
    if role not in Role.values:
        raise ValidationFailed(f"Choose one of: {', '.join(Role.values)}.", code="invalid_choice",
                               field="role")
    _require_staff_manager(actor, clinic)
    grant, created = StaffRole.objects.get_or_create(user=user, clinic=clinic, role=role)
    if created:
        access.forget_roles(user)
        record(actor=actor, action=Action.PRIVILEGE_CHANGE, object_type="staff_role",
               object_id=user.uuid, clinic=clinic,
               detail={"user": user.username, "granted": role, "clinic": clinic.code})
    return grant


@transaction.atomic
def staff_role_revoke(*, actor: Actor, user: User, clinic: Clinic, role: str) -> None:
    _require_staff_manager(actor, clinic)
    deleted, _ = StaffRole.objects.filter(user=user, clinic=clinic, role=role).delete()
    if deleted:
        access.forget_roles(user)
        record(actor=actor, action=Action.PRIVILEGE_CHANGE, object_type="staff_role",
               object_id=user.uuid, clinic=clinic,
               detail={"user": user.username, "revoked": role, "clinic": clinic.code})


@transaction.atomic
def staff_user_create(*, actor: Actor, username: str, password: str, display_name: str,
                      credentials: str = "", is_superuser: bool = False) -> User:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = User(username=username, display_name=display_name, credentials=credentials,
                is_staff=is_superuser, is_superuser=is_superuser)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationFailed(" ".join(error.messages), code="weak_password",
                               field="password") from None
    if User.objects.filter(username=username).exists():
        raise ValidationFailed("That username is taken.", code="username_taken", field="username")
    user.set_password(password)
    user.save()
    record(actor=actor, action=Action.CREATE, object_type="user", object_id=user.uuid,
           detail={"username": username, "superuser": is_superuser})
    return user
