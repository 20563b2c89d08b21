"""Staff and role changes, and sign-in events: audited like everything else."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _

from mooring.accounts import access
from mooring.accounts.capabilities import Capability, Role
from mooring.accounts.models import Clinic, StaffRole, User
from mooring.audit.models import Action, Outcome
from mooring.audit.services import record
from mooring.core.context import Actor, client_address
from mooring.core.errors import CapabilityDenied, Conflict, ProblemSet, ValidationFailed


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
        raise ValidationFailed(_("Choose one of the known roles."), code="invalid_choice",
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
    if role not in Role.values:
        raise ValidationFailed(_("Choose one of the known roles."), code="invalid_choice",
                               field="role")
    _require_staff_manager(actor, clinic)
    _refuse_own_last_administrator_role(actor, user, clinic, role)
    deleted, _by_model = StaffRole.objects.filter(user=user, clinic=clinic, role=role).delete()
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

    if actor.user is not None and actor.channel != "system" and (
            not access.can_anywhere(actor.user, Capability.MANAGE_STAFF)
            or (is_superuser and not actor.user.is_superuser)):
        raise CapabilityDenied(str(Capability.MANAGE_STAFF.label), code="capability_denied")
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


# Staff accounts as administrators manage them from the staff pages. Users are never
# deleted: audit rows point at them, so leaving is a deactivation.


def _refuse_own_last_administrator_role(actor: Actor, user: User, clinic: Clinic,
                                        role: str) -> None:
    """Nobody removes their own last administrator role and locks staff management away."""
    if actor.user is None or actor.user.pk != user.pk or role != Role.ADMINISTRATOR:
        return
    if not StaffRole.objects.filter(user=user, role=Role.ADMINISTRATOR).exclude(
            clinic=clinic).exists():
        raise Conflict(_("You cannot remove your own last administrator role. Ask another "
                         "administrator to do it."), code="own_last_administrator")


def may_manage_account(manager: User, user: User, clinic_ids: set[int]) -> bool:
    """Whether ``manager`` may change ``user``'s account (sign-in, password, name).

    Those changes reach every clinic the person works at (``clinic_ids``), so they need
    MANAGE_STAFF at each of them; a superuser's account only another superuser may change.
    """
    if user.is_superuser and not manager.is_superuser:
        return False
    managed = access.clinic_ids_with(manager, Capability.MANAGE_STAFF)
    return bool(managed) and clinic_ids <= managed


def _require_account_manager(actor: Actor, user: User) -> None:
    if actor.user is None or actor.channel == "system":
        return
    works_at = set(StaffRole.objects.filter(user=user).values_list("clinic_id", flat=True))
    if not may_manage_account(actor.user, user, works_at):
        raise CapabilityDenied(
            _("Only an administrator at every clinic where this person works may change their "
              "account."), code="capability_denied")


def _password_problems(problems: ProblemSet, password: str, user: User) -> None:
    from django.contrib.auth.password_validation import validate_password

    try:
        validate_password(password, user)
    except DjangoValidationError as error:
        for message in error.messages:
            problems.add("password", "weak_password", message)


@transaction.atomic
def staff_member_create(*, actor: Actor, username: str, password: str, display_name: str,
                        credentials: str = "",
                        roles: Sequence[tuple[Clinic, str]] = ()) -> User:
    """Create a staff user with their first roles, all or nothing, every step audited.

    Every role's clinic needs the actor's MANAGE_STAFF; at least one role is required so
    that the new person is someone's to manage.
    """
    from django.contrib.auth.validators import UnicodeUsernameValidator

    for clinic in {clinic for clinic, _role in roles}:
        _require_staff_manager(actor, clinic)
    if actor.user is not None and actor.channel != "system" \
            and not access.can_anywhere(actor.user, Capability.MANAGE_STAFF):
        raise CapabilityDenied(str(Capability.MANAGE_STAFF.label), code="capability_denied")
    username, display_name, credentials = username.strip(), display_name.strip(), \
        credentials.strip()
    problems = ProblemSet()
    if not username:
        problems.add("username", "required", _("Enter a username."))
    else:
        try:
            UnicodeUsernameValidator()(username)
        except DjangoValidationError as error:
            problems.add("username", "invalid_username", " ".join(error.messages))
        if User.objects.filter(username__iexact=username).exists():
            problems.add("username", "username_taken", _("That username is taken."))
    if not display_name:
        problems.add("display_name", "required", _("Enter the name colleagues will see."))
    _password_problems(problems, password, User(username=username, display_name=display_name))
    if not roles:
        problems.add("roles", "no_role", _("Grant at least one role at a clinic."))
    if any(role not in Role.values for _clinic, role in roles):
        problems.add("roles", "invalid_choice", _("Choose one of the known roles."))
    problems.raise_if_any()
    user = staff_user_create(actor=actor, username=username, password=password,
                             display_name=display_name, credentials=credentials)
    for clinic, role in roles:
        staff_role_grant(actor=actor, user=user, clinic=clinic, role=role)
    return user


@transaction.atomic
def staff_profile_update(*, actor: Actor, user: User, display_name: str,
                         credentials: str = "") -> User:
    """Change the name colleagues see and the credentials shown after it."""
    _require_account_manager(actor, user)
    wanted = {"display_name": display_name.strip(), "credentials": credentials.strip()}
    problems = ProblemSet()
    if not wanted["display_name"]:
        problems.add("display_name", "required", _("Enter the name colleagues will see."))
    for name, value in wanted.items():
        limit = User._meta.get_field(name).max_length
        if limit is not None and len(value) > limit:
            problems.add(name, "too_long", _("Use at most %(limit)d characters.")
                         % {"limit": limit})
    problems.raise_if_any()
    changed = {name: [getattr(user, name), value] for name, value in wanted.items()
               if getattr(user, name) != value}
    if not changed:
        return user
    for name, (_old, value) in changed.items():
        setattr(user, name, value)
    user.save(update_fields=list(changed))
    record(actor=actor, action=Action.UPDATE, object_type="user", object_id=user.uuid,
           detail={"user": user.username, "changed": changed})
    return user


@transaction.atomic
def staff_password_reset(*, actor: Actor, user: User, password: str) -> None:
    """Set a new password for someone (the password validators apply); their sessions end."""
    _require_account_manager(actor, user)
    problems = ProblemSet()
    _password_problems(problems, password, user)
    problems.raise_if_any()
    user.set_password(password)
    user.save(update_fields=["password"])
    record(actor=actor, action=Action.UPDATE, object_type="user", object_id=user.uuid,
           detail={"user": user.username, "password_reset": True})


@transaction.atomic
def staff_user_deactivate(*, actor: Actor, user: User, reason: str) -> User:
    """Stop someone signing in (web and API); their roles stay for a reactivation."""
    if actor.user is not None and actor.user.pk == user.pk:
        raise Conflict(_("You cannot deactivate your own account. Ask another administrator."),
                       code="own_account")
    _require_account_manager(actor, user)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Say why the account is deactivated."), code="required",
                               field="reason")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise Conflict(_("This account is already deactivated."), code="already_inactive")
    user.is_active = False
    user.save(update_fields=["is_active"])
    access.forget_roles(user)
    record(actor=actor, action=Action.PRIVILEGE_CHANGE, object_type="user",
           object_id=user.uuid,
           detail={"user": user.username, "deactivated": True, "reason": reason[:1000]})
    return user


@transaction.atomic
def staff_user_reactivate(*, actor: Actor, user: User) -> User:
    """Let a deactivated person sign in again with the roles they still hold."""
    _require_account_manager(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        raise Conflict(_("This account is already active."), code="already_active")
    user.is_active = True
    user.save(update_fields=["is_active"])
    access.forget_roles(user)
    record(actor=actor, action=Action.PRIVILEGE_CHANGE, object_type="user",
           object_id=user.uuid, detail={"user": user.username, "reactivated": True})
    return user
