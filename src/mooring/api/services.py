"""Create, revoke and check API tokens; creation and revocation are audited."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction

from mooring.accounts import access
from mooring.accounts.capabilities import Capability
from mooring.accounts.models import User
from mooring.api.models import TOKEN_PREFIX, ApiToken, token_digest
from mooring.audit.models import Action
from mooring.audit.services import record
from mooring.core.context import Actor
from mooring.core.errors import CapabilityDenied, Conflict, NotFoundOrForbidden, ValidationFailed
from mooring.core.time import now

NAME_MAX_LENGTH = 100
# Writing last_used_at on every call would turn each read into a write; a minute is precise
# enough to tell a live token from a forgotten one.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    """The stored token and its secret, which exists only here and is shown once."""

    token: ApiToken
    secret: str


def _require_token_manager(actor: Actor, user: User) -> None:
    if actor.user is None and actor.channel in ("cli", "system"):
        return  # the server's operator, through a management command
    if actor.user is not None and actor.user.pk == user.pk:
        return
    if actor.user is not None and access.can_anywhere(actor.user, Capability.MANAGE_STAFF):
        return
    raise CapabilityDenied(
        "Only the user or a staff manager may manage this user's tokens.", code="capability_denied"
    )


@transaction.atomic
def api_token_create(*, actor: Actor, user: User, name: str) -> IssuedToken:
    """Issue a token for ``user``; keep only its digest and return the secret once."""
    _require_token_manager(actor, user)
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed(
            "Give the token a name, e.g. the script that uses it.", code="required", field="name"
        )
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationFailed(
            f"Keep the name under {NAME_MAX_LENGTH} characters.", code="too_long", field="name"
        )
    if not user.is_active:
        raise ValidationFailed("This user account is disabled.", code="inactive_user", field="user")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=name, prefix=secret[:12], token_hash=token_digest(secret), created_at=now()
    )
    try:
        with transaction.atomic():
            token.save()
    except IntegrityError:
        raise Conflict(
            "This user already has a token with that name; revoke it or choose another name.",
            code="duplicate_token_name",
            field="name",
        ) from None
    record(
        actor=actor,
        action=Action.CREATE,
        object_type="api_token",
        object_id=token.uuid,
        detail={"user": user.username, "name": name, "prefix": token.prefix},
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Stop a token from working; the row stays as a record of what existed."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    _require_token_manager(actor, token.user)
    if token.revoked_at is not None:
        raise Conflict("This token is already revoked.", code="token_revoked")
    token.revoked_at = now()
    token.save(update_fields=["revoked_at"])
    record(
        actor=actor,
        action=Action.UPDATE,
        object_type="api_token",
        object_id=token.uuid,
        detail={"user": token.user.username, "name": token.name, "revoked": True},
    )
    return token


def api_token_user(secret: str) -> User | None:
    """The active user a live token belongs to, or None; notes when the token was used."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_digest(secret), revoked_at=None)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    moment = now()
    if token.last_used_at is None or moment - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
    return token.user


def api_token_find(*, user: User, name: str) -> ApiToken:
    token = ApiToken.objects.filter(user=user, name=" ".join(name.split()), revoked_at=None).first()
    if token is None:
        raise NotFoundOrForbidden("No live token with that name.", field="name")
    return token
